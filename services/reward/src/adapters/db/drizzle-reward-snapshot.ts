import { asc, gt } from 'drizzle-orm';
import type { Database } from '#platform/db/database';
import { restated, type StateSnapshot, snapshotPage } from '#platform/outbox/snapshot-replay';
import { eventsStating } from '../../domain/reward.js';
import { toOutboxEvent } from '../messaging/reward-event-mapper.js';
import { fromRow } from './drizzle-reward-repository.js';
import { rewards } from './reward-schema.js';

/** Every reward as RewardIssued, in primary-key order. */
export function rewardSnapshot(db: Database): StateSnapshot {
  return {
    async page(after, limit) {
      const rows = await db
        .select()
        .from(rewards)
        .where(after === undefined ? undefined : gt(rewards.id, after))
        .orderBy(asc(rewards.id))
        .limit(limit);
      return snapshotPage(
        rows,
        limit,
        (row) => row.id,
        (row) => eventsStating(fromRow(row)).map((event) => restated(toOutboxEvent(event))),
      );
    },
  };
}
