import { bigserial, index, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { defineInboxTable } from '#platform/inbox/inbox-table';
import { defineOutboxTable } from '#platform/outbox/outbox-table';

/** The reward service's own schema; no other service reads it. */
export const rewardSchema = pgSchema('reward');

export const rewardStatus = rewardSchema.enum('reward_status', ['issued', 'exchanged']);

export const rewards = rewardSchema.table(
  'rewards',
  {
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    id: uuid('id').primaryKey(),
    missionId: uuid('mission_id').notNull(),
    customerId: text('customer_id').notNull(),
    status: rewardStatus('status').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'date' }).notNull(),
    orderId: uuid('order_id'),
  },
  (t) => [
    // One reward per mission, whatever is redelivered.
    uniqueIndex('rewards_mission_key').on(t.missionId),
    index('rewards_customer_seq_idx').on(t.customerId, t.seq),
  ],
);

export const outboxEvents = defineOutboxTable(rewardSchema);
export const inboxEvents = defineInboxTable(rewardSchema);
