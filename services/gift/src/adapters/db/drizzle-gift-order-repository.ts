import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import { BuiltQuery, placeholders } from '#platform/db/built-query';
import { seqBefore, toPage } from '#platform/db/keyset-page';
import type { TransactionScope } from '#platform/db/transaction-scope';
import { appendToOutbox } from '#platform/outbox/outbox-writer';
import { GiftOrder, type GiftOrderState } from '../../domain/gift-order.js';
import type { GiftOrderPage, GiftOrderRepository } from '../../domain/gift-order-repository.js';
import { toOutboxEvent } from '../messaging/gift-event-mapper.js';
import { giftOrders, outboxEvents } from './gift-schema.js';

type GiftOrderRow = typeof giftOrders.$inferSelect;

/** Every column an order's save sets: all but its id. */
const ORDER_CHANGES = placeholders(
  'customerId',
  'giftId',
  'giftName',
  'rewardId',
  'status',
  'stockState',
  'deliveryId',
  'reservedUntil',
  'rejectedAt',
  'paidAt',
  'cancelledAt',
  'deliveredAt',
  'placedAt',
  'updatedAt',
);

/*
 * The statements every exchange runs (a reservation adds and saves its order, payment and
 * delivery lock and save it), each built once (see BuiltQuery).
 */
const ADD_ORDER = new BuiltQuery('gift_add_order', (executor) =>
  executor
    .insert(giftOrders)
    .values({ id: sql.placeholder('id'), ...ORDER_CHANGES })
    .onConflictDoNothing({ target: giftOrders.id })
    .returning({ id: giftOrders.id }),
);
const LOCK_ORDER = new BuiltQuery('gift_lock_order', (executor) =>
  executor
    .select()
    .from(giftOrders)
    .where(eq(giftOrders.id, sql.placeholder('orderId')))
    .for('update'),
);
const SAVE_ORDER = new BuiltQuery('gift_save_order', (executor) =>
  executor
    .update(giftOrders)
    .set(ORDER_CHANGES)
    .where(eq(giftOrders.id, sql.placeholder('id'))),
);

/** Gift orders in Postgres; every write stores the order's new events in the outbox with it. */
export class DrizzleGiftOrderRepository implements GiftOrderRepository {
  constructor(private readonly scope: TransactionScope) {}

  async add(order: GiftOrder): Promise<boolean> {
    return this.scope.write(async (tx) => {
      // A concurrent insert of the same id waits here until the other transaction ends.
      const inserted = await ADD_ORDER.run(tx, toRow(order.state));
      if (inserted.length === 0) return false;
      await appendToOutbox(tx, outboxEvents, order.pullEvents().map(toOutboxEvent));
      return true;
    });
  }

  async lock(orderId: string): Promise<GiftOrder | undefined> {
    return this.scope.write(async (tx) => {
      const [row] = await LOCK_ORDER.run(tx, { orderId });
      return row ? GiftOrder.restore(fromRow(row)) : undefined;
    });
  }

  async lockExpired(now: Date, limit: number): Promise<GiftOrder[]> {
    return this.scope.write(async (tx) => {
      const rows = await tx
        .select()
        .from(giftOrders)
        .where(and(eq(giftOrders.status, 'reserved'), lt(giftOrders.reservedUntil, now)))
        .orderBy(asc(giftOrders.reservedUntil))
        .limit(limit)
        .for('update', { skipLocked: true });
      return rows.map((row) => GiftOrder.restore(fromRow(row)));
    });
  }

  async save(order: GiftOrder): Promise<void> {
    await this.scope.write(async (tx) => {
      const events = order.pullEvents();
      if (order.hasChanges) await SAVE_ORDER.run(tx, toRow(order.state));
      await appendToOutbox(tx, outboxEvents, events.map(toOutboxEvent));
    });
  }

  async findById(orderId: string): Promise<GiftOrder | undefined> {
    const [row] = await this.scope.reader.select().from(giftOrders).where(eq(giftOrders.id, orderId));
    return row ? GiftOrder.restore(fromRow(row)) : undefined;
  }

  async listByCustomer(customerId: string, page: { size: number; before?: number }): Promise<GiftOrderPage> {
    const rows = await this.scope.reader
      .select()
      .from(giftOrders)
      .where(and(eq(giftOrders.customerId, customerId), seqBefore(giftOrders.seq, page.before)))
      .orderBy(desc(giftOrders.seq))
      .limit(page.size + 1);
    const { items, nextBefore } = toPage(rows, page.size, (row) => GiftOrder.restore(fromRow(row)));
    return { orders: items, nextBefore };
  }
}

function toRow(state: GiftOrderState): typeof giftOrders.$inferInsert {
  return {
    id: state.id,
    customerId: state.customerId,
    giftId: state.giftId,
    giftName: state.giftName,
    rewardId: state.rewardId,
    status: state.status,
    stockState: state.stockState,
    deliveryId: state.deliveryId ?? null,
    reservedUntil: state.reservedUntil,
    rejectedAt: state.rejectedAt ?? null,
    paidAt: state.paidAt ?? null,
    cancelledAt: state.cancelledAt ?? null,
    deliveredAt: state.deliveredAt ?? null,
    placedAt: state.placedAt,
    updatedAt: state.updatedAt,
  };
}

export function fromRow(row: GiftOrderRow): GiftOrderState {
  return {
    id: row.id,
    customerId: row.customerId,
    giftId: row.giftId,
    giftName: row.giftName,
    rewardId: row.rewardId,
    status: row.status,
    stockState: row.stockState,
    deliveryId: row.deliveryId ?? undefined,
    reservedUntil: row.reservedUntil,
    rejectedAt: row.rejectedAt ?? undefined,
    paidAt: row.paidAt ?? undefined,
    cancelledAt: row.cancelledAt ?? undefined,
    deliveredAt: row.deliveredAt ?? undefined,
    placedAt: row.placedAt,
    updatedAt: row.updatedAt,
  };
}
