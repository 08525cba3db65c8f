import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import { seqBefore, toPage } from '#platform/db/keyset-page';
import type { TransactionScope } from '#platform/db/transaction-scope';
import { appendToOutbox } from '#platform/outbox/outbox-writer';
import { Gift, type GiftState, type StockMove, stockChanged } from '../../domain/gift.js';
import type { GiftPage, GiftRepository } from '../../domain/gift-repository.js';
import { toOutboxEvent } from '../messaging/gift-event-mapper.js';
import { gifts, outboxEvents } from './gift-schema.js';

type GiftRow = typeof gifts.$inferSelect;

/** What each stock move sets, and the condition under which it may (checked by the same UPDATE). */
const STOCK_MOVES: Record<StockMove, (units: number) => { set: { stockCount?: SQL; reservedCount?: SQL }; guard?: SQL }> = {
  reserve: (units) => ({
    set: { reservedCount: sql`${gifts.reservedCount} + ${units}` },
    guard: sql`${gifts.stockCount} - ${gifts.reservedCount} >= ${units}`,
  }),
  release: (units) => ({
    set: { reservedCount: sql`${gifts.reservedCount} - ${units}` },
    guard: sql`${gifts.reservedCount} >= ${units}`,
  }),
  deduct: (units) => ({
    set: { stockCount: sql`${gifts.stockCount} - ${units}`, reservedCount: sql`${gifts.reservedCount} - ${units}` },
    guard: sql`${gifts.reservedCount} >= ${units}`,
  }),
  restock: (units) => ({ set: { stockCount: sql`${gifts.stockCount} + ${units}` } }),
};

/** The catalog in Postgres; every stock change stores GiftStockChanged in the outbox with it. */
export class DrizzleGiftRepository implements GiftRepository {
  constructor(private readonly scope: TransactionScope) {}

  async add(gift: Gift): Promise<boolean> {
    return this.scope.write(async (tx) => {
      const inserted = await tx
        .insert(gifts)
        .values(toRow(gift.state))
        .onConflictDoNothing({ target: gifts.id })
        .returning({ id: gifts.id });
      if (inserted.length === 0) return false;
      await appendToOutbox(tx, outboxEvents, gift.pullEvents().map(toOutboxEvent));
      return true;
    });
  }

  async update(giftId: string, change: (gift: Gift) => void): Promise<Gift | undefined> {
    return this.scope.write(async (tx) => {
      const [row] = await tx.select().from(gifts).where(eq(gifts.id, giftId)).for('update');
      if (!row) return undefined;
      const gift = Gift.restore(fromRow(row));
      change(gift);
      const events = gift.pullEvents();
      if (events.length === 0) return gift;
      const { id: _id, ...values } = toRow(gift.state);
      await tx.update(gifts).set(values).where(eq(gifts.id, giftId));
      await appendToOutbox(tx, outboxEvents, events.map(toOutboxEvent));
      return gift;
    });
  }

  async moveStock(giftId: string, move: StockMove, units: number, at: Date): Promise<GiftState | undefined> {
    const { set, guard } = STOCK_MOVES[move](units);
    return this.scope.write(async (tx) => {
      // One statement: concurrent moves on the gift queue on its row lock and each re-checks the guard.
      const [row] = await tx
        .update(gifts)
        .set({ ...set, updatedAt: at })
        .where(and(eq(gifts.id, giftId), guard))
        .returning();
      if (!row) return undefined;
      const gift = fromRow(row);
      await appendToOutbox(tx, outboxEvents, [toOutboxEvent(stockChanged(gift))]);
      return gift;
    });
  }

  async findById(giftId: string): Promise<Gift | undefined> {
    const [row] = await this.scope.reader.select().from(gifts).where(eq(gifts.id, giftId));
    return row ? Gift.restore(fromRow(row)) : undefined;
  }

  async list(page: { size: number; before?: number }): Promise<GiftPage> {
    const rows = await this.scope.reader
      .select()
      .from(gifts)
      .where(seqBefore(gifts.seq, page.before))
      .orderBy(desc(gifts.seq))
      .limit(page.size + 1);
    const { items, nextBefore } = toPage(rows, page.size, (row) => Gift.restore(fromRow(row)));
    return { gifts: items, nextBefore };
  }
}

function toRow(state: GiftState): typeof gifts.$inferInsert {
  return {
    id: state.id,
    name: state.name,
    stockCount: state.stockCount,
    reservedCount: state.reservedCount,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
  };
}

export function fromRow(row: GiftRow): GiftState {
  return {
    id: row.id,
    name: row.name,
    stockCount: row.stockCount,
    reservedCount: row.reservedCount,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
