import type { Database } from '#platform/db/database';
import { restated, type StateSnapshot } from '#platform/outbox/snapshot-replay';
import { tableSnapshot } from '#platform/outbox/table-snapshot';
import { eventsStating } from '../../domain/mission.js';
import { toOutboxEvent } from '../messaging/mission-event-mapper.js';
import { fromRow } from './drizzle-mission-repository.js';
import { missions } from './mission-schema.js';

/** Every mission as MissionAchieved (and MissionRewarded once rewarded), in primary-key order. */
export function missionSnapshot(db: Database): StateSnapshot {
  return tableSnapshot(db, missions, missions.id, (row) => eventsStating(fromRow(row)).map((event) => restated(toOutboxEvent(event))));
}
