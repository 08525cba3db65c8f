import { bigserial, index, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { defineInboxTable } from '#platform/inbox/inbox-table';
import { defineOutboxTable } from '#platform/outbox/outbox-table';

/** The mission service's own schema; no other service reads it. */
export const missionSchema = pgSchema('mission');

export const missionStatus = missionSchema.enum('mission_status', ['achieved', 'rewarded']);

export const missions = missionSchema.table(
  'missions',
  {
    /** Keyset paging order (newest first). */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    id: uuid('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    eventCode: text('event_code').notNull(),
    missionCode: text('mission_code').notNull(),
    status: missionStatus('status').notNull(),
    rewardId: uuid('reward_id'),
    achievedAt: timestamp('achieved_at', { withTimezone: true, mode: 'date' }).notNull(),
    rewardedAt: timestamp('rewarded_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    // A customer achieves each mission of an event once.
    uniqueIndex('missions_customer_mission_key').on(t.customerId, t.eventCode, t.missionCode),
    index('missions_customer_seq_idx').on(t.customerId, t.seq),
  ],
);

export const outboxEvents = defineOutboxTable(missionSchema);
export const inboxEvents = defineInboxTable(missionSchema);
