import { bigint, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '#platform/db/bytea';
import { defineInboxTable } from '#platform/inbox/inbox-table';

/**
 * The My Page read model's own schema, filled only from events. Every table is keyed by the
 * customer first, so a page is a handful of primary-key range reads. Columns hold facts
 * (null until an event tells them, then never changed); statuses are derived when read.
 */
export const mypageSchema = pgSchema('mypage');

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One row per customer any event mentioned: the page's version and event time, and the page
 * itself as the reader gets it: the GetMyPage answer (the proto MyPage message), encoded by the
 * transaction that moved the version, so a read is this one primary-key lookup and its bytes
 * are sent as they are. Null only for rows written before the column existed (the page is then
 * assembled from the facts until its next event).
 */
export const pages = mypageSchema.table('pages', {
  customerId: text('customer_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
  updatedAt: at('updated_at').notNull(),
  pageMessage: bytea('page_message'),
});

export const missions = mypageSchema.table(
  'missions',
  {
    customerId: text('customer_id').notNull(),
    missionId: uuid('mission_id').notNull(),
    eventCode: text('event_code'),
    missionCode: text('mission_code'),
    achievedAt: at('achieved_at'),
    rewardId: uuid('reward_id'),
    rewardedAt: at('rewarded_at'),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.missionId] })],
);

export const rewards = mypageSchema.table(
  'rewards',
  {
    customerId: text('customer_id').notNull(),
    rewardId: uuid('reward_id').notNull(),
    missionId: uuid('mission_id'),
    issuedAt: at('issued_at'),
    creditedAt: at('credited_at'),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.rewardId] })],
);

export const orders = mypageSchema.table(
  'orders',
  {
    customerId: text('customer_id').notNull(),
    orderId: uuid('order_id').notNull(),
    rewardId: uuid('reward_id'),
    giftId: text('gift_id'),
    giftName: text('gift_name'),
    deliveryId: uuid('delivery_id'),
    spentAt: at('spent_at'),
    returnedAt: at('returned_at'),
    paidAt: at('paid_at'),
    cancelledAt: at('cancelled_at'),
    rejectedAt: at('rejected_at'),
    deliveredAt: at('delivered_at'),
    deliveryStartedAt: at('delivery_started_at'),
    deliveryCancelledAt: at('delivery_cancelled_at'),
    deliveryCompletedAt: at('delivery_completed_at'),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.orderId] })],
);

export const inboxEvents = defineInboxTable(mypageSchema);
