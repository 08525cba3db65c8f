import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import { BuiltQuery, placeholder, placeholders } from '#platform/db/built-query';
import { seqBefore, toPage } from '#platform/db/keyset-page';
import type { TransactionScope } from '#platform/db/transaction-scope';
import { appendToOutbox } from '#platform/outbox/outbox-writer';
import { Gift, type GiftState, type StockMove, stockChanged } from '../../domain/gift.js';
import type { GiftPage, GiftRepository } from '../../domain/gift-repository.js';
import { toOutboxEvent } from '../messaging/gift-event-mapper.js';
import { gifts, outboxEvents } from './gift-schema.js';

type GiftRow = typeof gifts.$inferSelect;

/**
 * What each stock move sets, and the condition under which it may (checked by the same UPDATE):
 * one statement per move, built once (see BuiltQuery), the units and time its placeholders.
 */
const UNITS = sql.placeholder('units');
const STOCK_MOVES: Record<StockMove, { set: { stockCount?: SQL; reservedCount?: SQL }; guard?: SQL }> = {
  reserve: {
    set: { reservedCount: sql`${gifts.reservedCount} + ${UNITS}` },
    guard: sql`${gifts.stockCount} - ${gifts.reservedCount} >= ${UNITS}`,
  },
  release: {
    set: { reservedCount: sql`${gifts.reservedCount} - ${UNITS}` },
    guard: sql`${gifts.reservedCount} >= ${UNITS}`,
  },
  deduct: {
    set: { stockCount: sql`${gifts.stockCount} - ${UNITS}`, reservedCount: sql`${gifts.reservedCount} - ${UNITS}` },
    guard: sql`${gifts.reservedCount} >= ${UNITS}`,
  },
  restock: { set: { stockCount: sql`${gifts.stockCount} + ${UNITS}` } },
};
const MOVE_STOCK = Object.fromEntries(
  Object.entries(STOCK_MOVES).map(([move, { set, guard }]) => [
    move,
    new BuiltQuery(`gift_move_stock_${move}`, (executor) =>
      executor
        .update(gifts)
        .set({ ...set, updatedAt: placeholder('at') })
        .where(and(eq(gifts.id, sql.placeholder('giftId')), guard))
        .returning(),
    ),
  ]),
) as Record<StockMove, BuiltQuery<GiftRow[]>>;

const LOCK_GIFT = new BuiltQuery('gift_lock_gift', (executor) =>
  executor
    .select()
    .from(gifts)
    .where(eq(gifts.id, sql.placeholder('giftId')))
    .for('update'),
);
const SAVE_GIFT = new BuiltQuery('gift_save_gift', (executor) =>
  executor
    .update(gifts)
    .set(placeholders('name', 'stockCount', 'reservedCount', 'createdAt', 'updatedAt'))
    .where(eq(gifts.id, sql.placeholder('id'))),
);
const GIFT_BY_ID = new BuiltQuery('gift_by_id', (executor) =>
  executor
    .select()
    .from(gifts)
    .where(eq(gifts.id, sql.placeholder('giftId'))),
);

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
      const [row] = await LOCK_GIFT.run(tx, { giftId });
      if (!row) return undefined;
      const gift = Gift.restore(fromRow(row));
      change(gift);
      const events = gift.pullEvents();
      if (events.length === 0) return gift;
      await SAVE_GIFT.run(tx, toRow(gift.state));
      await appendToOutbox(tx, outboxEvents, events.map(toOutboxEvent));
      return gift;
    });
  }

  async moveStock(giftId: string, move: StockMove, units: number, at: Date): Promise<GiftState | undefined> {
    return this.scope.write(async (tx) => {
      // One statement: concurrent moves on the gift queue on its row lock and each re-checks the guard.
      const [row] = await MOVE_STOCK[move].run(tx, { giftId, units, at });
      if (!row) return undefined;
      const gift = fromRow(row);
      await appendToOutbox(tx, outboxEvents, [toOutboxEvent(stockChanged(gift))]);
      return gift;
    });
  }

  async findById(giftId: string): Promise<Gift | undefined> {
    const [row] = await GIFT_BY_ID.run(this.scope.reader, { giftId });
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
