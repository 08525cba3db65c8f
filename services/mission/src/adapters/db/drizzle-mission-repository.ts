import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { seqBefore, toPage } from '../../../../platform/src/db/keyset-page.js';
import type { TransactionScope } from '../../../../platform/src/db/transaction-scope.js';
import { appendToOutbox, insertWithEvents } from '../../../../platform/src/outbox/outbox-writer.js';
import { Mission, type MissionState } from '../../domain/mission.js';
import type { MissionPage, MissionRepository } from '../../domain/mission-repository.js';
import { toOutboxEvent } from '../messaging/mission-event-mapper.js';
import { missions, outboxEvents } from './mission-schema.js';

type MissionRow = typeof missions.$inferSelect;

/** Missions in Postgres; every write stores the mission's new events in the outbox with it. */
export class DrizzleMissionRepository implements MissionRepository {
  constructor(private readonly scope: TransactionScope) {}

  async add(mission: Mission): Promise<boolean> {
    // The hot path of the platform: the mission and its MissionAchieved event in one statement.
    const insert = this.scope.reader
      .insert(missions)
      .values(toRow(mission.state))
      .onConflictDoNothing()
      .returning({ id: missions.id })
      .getSQL();
    return this.scope.writeStatement((executor) =>
      insertWithEvents(executor, insert, outboxEvents, mission.pullEvents().map(toOutboxEvent)),
    );
  }

  async updateAll(missionIds: readonly string[], change: (mission: Mission) => void): Promise<Mission[]> {
    if (missionIds.length === 0) return [];
    return this.scope.write(async (tx) => {
      // Locked in id order, so two consumers updating overlapping batches cannot deadlock.
      const rows = await tx
        .select()
        .from(missions)
        .where(inArray(missions.id, [...missionIds]))
        .orderBy(asc(missions.id))
        .for('update');
      const loaded = rows.map((row) => Mission.restore(fromRow(row)));
      const events = loaded.flatMap((mission) => {
        change(mission);
        return mission.pullEvents();
      });
      const changed = loaded.filter((mission) => events.some((event) => event.mission.id === mission.state.id));
      if (changed.length > 0) await tx.execute(bulkRewardUpdate(changed.map((mission) => mission.state)));
      await appendToOutbox(tx, outboxEvents, events.map(toOutboxEvent));
      return loaded;
    });
  }

  async findById(missionId: string): Promise<Mission | undefined> {
    const [row] = await this.scope.reader.select().from(missions).where(eq(missions.id, missionId));
    return row ? Mission.restore(fromRow(row)) : undefined;
  }

  async listByCustomer(customerId: string, page: { size: number; before?: number }): Promise<MissionPage> {
    const rows = await this.scope.reader
      .select()
      .from(missions)
      .where(and(eq(missions.customerId, customerId), seqBefore(missions.seq, page.before)))
      .orderBy(desc(missions.seq))
      .limit(page.size + 1);
    const { items, nextBefore } = toPage(rows, page.size, (row) => Mission.restore(fromRow(row)));
    return { missions: items, nextBefore };
  }
}

/** One UPDATE for the reward fields of many missions (the only fields that change after achieving). */
function bulkRewardUpdate(states: readonly MissionState[]): SQL {
  const values = sql.join(
    states.map(
      (state) =>
        sql`(${state.id}::uuid, ${state.status}::mission.mission_status, ${state.rewardId ?? null}::uuid, ${state.rewardedAt?.toISOString() ?? null}::timestamptz)`,
    ),
    sql`, `,
  );
  return sql`update ${missions} set status = v.status, reward_id = v.reward_id, rewarded_at = v.rewarded_at
    from (values ${values}) as v(id, status, reward_id, rewarded_at) where ${missions.id} = v.id`;
}

function toRow(state: MissionState): typeof missions.$inferInsert {
  return {
    id: state.id,
    customerId: state.customerId,
    eventCode: state.eventCode,
    missionCode: state.missionCode,
    status: state.status,
    rewardId: state.rewardId ?? null,
    achievedAt: state.achievedAt,
    rewardedAt: state.rewardedAt ?? null,
  };
}

function fromRow(row: MissionRow): MissionState {
  return {
    id: row.id,
    customerId: row.customerId,
    eventCode: row.eventCode,
    missionCode: row.missionCode,
    status: row.status,
    rewardId: row.rewardId ?? undefined,
    achievedAt: row.achievedAt,
    rewardedAt: row.rewardedAt ?? undefined,
  };
}
