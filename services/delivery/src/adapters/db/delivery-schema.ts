import { bigserial, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { defineInboxTable } from '#platform/inbox/inbox-table';
import { defineOutboxTable } from '#platform/outbox/outbox-table';

/** The delivery service's own schema; no other service reads it. */
export const deliverySchema = pgSchema('delivery');

export const deliveryStatus = deliverySchema.enum('delivery_status', ['started', 'delivered', 'cancelled']);

export const deliveries = deliverySchema.table(
  'deliveries',
  {
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    id: uuid('delivery_id').primaryKey(),
    orderId: uuid('order_id').notNull(),
    customerId: text('customer_id').notNull(),
    giftId: text('gift_id').notNull(),
    status: deliveryStatus('status').notNull(),
    /** Null for a tombstone: the order was cancelled before its delivery ever started. */
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    // One delivery (or tombstone) per gift order, whatever is redelivered or reordered.
    uniqueIndex('deliveries_order_key').on(t.orderId),
  ],
);

export const outboxEvents = defineOutboxTable(deliverySchema);
export const inboxEvents = defineInboxTable(deliverySchema);
