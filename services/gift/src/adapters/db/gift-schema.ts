import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { defineInboxTable } from '#platform/inbox/inbox-table';
import { defineOutboxTable } from '#platform/outbox/outbox-table';

/** The gift service's own schema; no other service reads it. */
export const giftSchema = pgSchema('gift');

export const giftOrderStatus = giftSchema.enum('gift_order_status', ['reserved', 'paid', 'shipping', 'delivered', 'cancelled', 'released']);
/** What an order did to its gift's stock. */
export const giftStockState = giftSchema.enum('gift_stock_state', ['reserved', 'deducted', 'released', 'restocked']);

export const gifts = giftSchema.table(
  'gifts',
  {
    /** Keyset paging order (newest first). */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    id: text('gift_id').primaryKey(),
    name: text('name').notNull(),
    stockCount: integer('stock_count').notNull(),
    reservedCount: integer('reserved_count').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    // The stock arithmetic guards these in its WHERE clauses; the database refuses anything that slips past.
    check('gifts_stock_count_check', sql`${t.stockCount} >= 0`),
    check('gifts_reserved_count_check', sql`${t.reservedCount} >= 0`),
    check('gifts_reserved_within_stock_check', sql`${t.reservedCount} <= ${t.stockCount}`),
  ],
);

export const giftOrders = giftSchema.table(
  'gift_orders',
  {
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    /** Chosen by the wallet for its exchange: the idempotency key of ReserveGift. */
    id: uuid('order_id').primaryKey(),
    customerId: text('customer_id').notNull(),
    giftId: text('gift_id').notNull(),
    giftName: text('gift_name').notNull(),
    rewardId: uuid('reward_id').notNull(),
    status: giftOrderStatus('status').notNull(),
    stockState: giftStockState('stock_state').notNull(),
    deliveryId: uuid('delivery_id'),
    reservedUntil: timestamp('reserved_until', { withTimezone: true, mode: 'date' }).notNull(),
    /** Set when a payment for a lapsed reservation could not be honoured; such an order is never paid later. */
    rejectedAt: timestamp('rejected_at', { withTimezone: true, mode: 'date' }),
    /**
     * When the order was paid, cancelled, delivered: kept apart from updated_at (which moves on)
     * so the order's events can be stated again from its state (EventReplayService.ReplaySnapshot).
     */
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'date' }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'date' }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    placedAt: timestamp('placed_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('gift_orders_customer_seq_idx').on(t.customerId, t.seq),
    // The expiry sweep looks for reservations past their time.
    index('gift_orders_status_reserved_until_idx').on(t.status, t.reservedUntil),
  ],
);

export const outboxEvents = defineOutboxTable(giftSchema);
export const inboxEvents = defineInboxTable(giftSchema);
