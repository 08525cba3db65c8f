import type { Database } from '#platform/db/database';
import { restated, type StateSnapshot } from '#platform/outbox/snapshot-replay';
import { tableSnapshot } from '#platform/outbox/table-snapshot';
import { eventsStating } from '../../domain/reward.js';
import { toOutboxEvent } from '../messaging/reward-event-mapper.js';
import { fromRow } from './drizzle-reward-repository.js';
import { rewards } from './reward-schema.js';

/** Every reward as RewardIssued, in primary-key order. */
export function rewardSnapshot(db: Database): StateSnapshot {
  return tableSnapshot(db, rewards, rewards.id, (row) => eventsStating(fromRow(row)).map((event) => restated(toOutboxEvent(event))));
}
