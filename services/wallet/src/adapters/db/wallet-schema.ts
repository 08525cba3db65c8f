import { bigserial, index, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { defineInboxTable } from '../../../../platform/src/inbox/inbox-table.js';
import { defineOutboxTable } from '../../../../platform/src/outbox/outbox-table.js';

/** The wallet service's own schema; no other service reads it. */
export const walletSchema = pgSchema('wallet');

export const walletRewardStatus = walletSchema.enum('wallet_reward_status', ['available', 'spent']);

export const walletRewards = walletSchema.table(
  'wallet_rewards',
  {
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    rewardId: uuid('reward_id').primaryKey(),
    customerId: text('customer_id').notNull(),
    missionId: uuid('mission_id').notNull(),
    status: walletRewardStatus('status').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('wallet_rewards_customer_seq_idx').on(t.customerId, t.seq)],
);

export const outboxEvents = defineOutboxTable(walletSchema);
export const inboxEvents = defineInboxTable(walletSchema);
