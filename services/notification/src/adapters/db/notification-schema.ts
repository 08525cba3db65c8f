import { sql } from 'drizzle-orm';
import { bigserial, index, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { defineInboxTable } from '#platform/inbox/inbox-table';

/** The notification service's own schema; no other service reads it. */
export const notificationSchema = pgSchema('notification');

export const notificationKind = notificationSchema.enum('notification_kind', [
  'mission-achieved',
  'reward-issued',
  'reward-exchanged',
  'delivery-started',
  'order-cancelled',
  'order-rejected',
  'order-delivered',
  'reward-returned',
]);

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const notifications = notificationSchema.table(
  'notifications',
  {
    /** Storage order: pages go newest first by it. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    id: uuid('notification_id').primaryKey(),
    customerId: text('customer_id').notNull(),
    kind: notificationKind('kind').notNull(),
    text: text('text').notNull(),
    subjectId: uuid('subject_id').notNull(),
    /** One notification per event, whatever slips past the inbox. */
    sourceEventId: uuid('source_event_id').notNull().unique(),
    createdAt: at('created_at').notNull(),
    readAt: at('read_at'),
  },
  (t) => [
    index('notifications_customer_seq_idx').on(t.customerId, t.seq),
    // One notice per thing announced: the same happening (kind, subject, when it happened)
    // republished under a fresh event id is not news. A reward returned twice is two happenings.
    uniqueIndex('notifications_announcement_idx').on(t.kind, t.subjectId, t.createdAt),
    index('notifications_customer_unread_idx').on(t.customerId, t.seq).where(sql`read_at is null`),
  ],
);

/** The delivery outbox: a row per notification until the channel took it (or refused it for good). */
export const deliveries = notificationSchema.table(
  'deliveries',
  {
    notificationId: uuid('notification_id')
      .primaryKey()
      .references(() => notifications.id),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull(),
    lastError: text('last_error'),
    sentAt: at('sent_at'),
    failedAt: at('failed_at'),
  },
  (t) => [index('deliveries_due_idx').on(t.nextAttemptAt).where(sql`sent_at is null and failed_at is null`)],
);

/** Gift names learnt from GiftOrderPaid, so later notices about the order can name the gift. */
export const giftNames = notificationSchema.table('gift_names', {
  orderId: uuid('order_id').primaryKey(),
  giftName: text('gift_name').notNull(),
});

export const inboxEvents = defineInboxTable(notificationSchema);
