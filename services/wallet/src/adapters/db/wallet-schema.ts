import { bigserial, index, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { defineInboxTable } from '#platform/inbox/inbox-table';
import { defineOutboxTable } from '#platform/outbox/outbox-table';

/** The wallet service's own schema; no other service reads it. */
export const walletSchema = pgSchema('wallet');

export const walletRewardStatus = walletSchema.enum('wallet_reward_status', ['available', 'held', 'spent']);
export const exchangeStatus = walletSchema.enum('exchange_status', ['pending', 'completed', 'failed']);

export const walletRewards = walletSchema.table(
  'wallet_rewards',
  {
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    rewardId: uuid('reward_id').primaryKey(),
    customerId: text('customer_id').notNull(),
    missionId: uuid('mission_id').notNull(),
    status: walletRewardStatus('status').notNull(),
    orderId: uuid('order_id'),
    addedAt: timestamp('added_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('wallet_rewards_customer_seq_idx').on(t.customerId, t.seq)],
);

/**
 * The wallet's ledger of payments: each order a reward paid for, and when the reward came back.
 * The reward row only knows its current order; this keeps every one, so the wallet's events
 * can be stated again from its state (EventReplayService.ReplaySnapshot).
 */
export const rewardPayments = walletSchema.table(
  'reward_payments',
  {
    orderId: uuid('order_id').primaryKey(),
    rewardId: uuid('reward_id').notNull(),
    customerId: text('customer_id').notNull(),
    giftId: text('gift_id').notNull(),
    spentAt: timestamp('spent_at', { withTimezone: true, mode: 'date' }).notNull(),
    returnedAt: timestamp('returned_at', { withTimezone: true, mode: 'date' }),
    returnReason: text('return_reason'),
  },
  (t) => [index('reward_payments_reward_idx').on(t.rewardId)],
);

/** Exchange requests by idempotency key (scoped to the customer). */
export const exchanges = walletSchema.table(
  'exchanges',
  {
    customerId: text('customer_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    rewardId: uuid('reward_id').notNull(),
    giftId: text('gift_id').notNull(),
    orderId: uuid('order_id').notNull(),
    status: exchangeStatus('status').notNull(),
    failureReason: text('failure_reason'),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.idempotencyKey] }),
    uniqueIndex('exchanges_order_key').on(t.orderId),
    // The recovery sweep looks for pending exchanges by age.
    index('exchanges_status_updated_idx').on(t.status, t.updatedAt),
  ],
);

export const outboxEvents = defineOutboxTable(walletSchema);
export const inboxEvents = defineInboxTable(walletSchema);
