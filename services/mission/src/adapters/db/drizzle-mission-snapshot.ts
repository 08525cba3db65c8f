import { asc, gt } from 'drizzle-orm';
import type { Database } from '#platform/db/database';
import { restated, type StateSnapshot, snapshotPage } from '#platform/outbox/snapshot-replay';
import { eventsStating } from '../../domain/mission.js';
import { toOutboxEvent } from '../messaging/mission-event-mapper.js';
import { fromRow } from './drizzle-mission-repository.js';
import { missions } from './mission-schema.js';

/** Every mission as MissionAchieved (and MissionRewarded once rewarded), in primary-key order. */
export function missionSnapshot(db: Database): StateSnapshot {
  return {
    async page(after, limit) {
      const rows = await db
        .select()
        .from(missions)
        .where(after === undefined ? undefined : gt(missions.id, after))
        .orderBy(asc(missions.id))
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
