import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import { BuiltQuery, equalsAny } from '#platform/db/built-query';
import { GroupCommit } from '#platform/db/group-commit';
import { seqBefore, toPage } from '#platform/db/keyset-page';
import type { TransactionScope } from '#platform/db/transaction-scope';
import type { NewEvent } from '#platform/events/event-type';
import { appendToOutbox, insertRowsWithEvents, insertWithEvents } from '#platform/outbox/outbox-writer';
import { activeTraceparent } from '#platform/telemetry/trace-context';
import { Mission, type MissionState } from '../../domain/mission.js';
import type { MissionPage, MissionRepository } from '../../domain/mission-repository.js';
import { toOutboxEvent } from '../messaging/mission-event-mapper.js';
import { missions, outboxEvents } from './mission-schema.js';

type MissionRow = typeof missions.$inferSelect;

/** Achievements joined into one statement at most (group commit; see add). */
const MAX_MISSIONS_PER_INSERT = 128;
/** Group-commit statements running at once, each on its own pooled connection. */
const INSERTS_IN_FLIGHT = 2;

/**
 * The missions of a batch, locked in id order (so two consumers updating overlapping batches
 * cannot deadlock). The ids are one array parameter, looked up in the primary key: as a
 * set-returning function (json_array_elements_text) the planner guessed 100 rows and hashed them
 * against a sequential scan of every mission, on every batch (docs/performance.md).
 */
const LOCK_MISSIONS = new BuiltQuery('mission_lock_missions', (executor) =>
  executor.select().from(missions).where(equalsAny(missions.id, 'ids')).orderBy(asc(missions.id)).for('update'),
);

/** Missions in Postgres; every write stores the mission's new events in the outbox with it. */
/** An achievement waiting for its group commit, with its events already encoded. */
interface PendingAchievement {
  readonly state: MissionState;
  readonly events: readonly NewEvent[];
}

export class DrizzleMissionRepository implements MissionRepository {
  private readonly achievements?: GroupCommit<PendingAchievement, boolean>;

  constructor(private readonly scope: TransactionScope) {
    // Outside a caller's transaction, concurrent achievements share one statement and commit.
    if (!scope.inTransaction)
      this.achievements = new GroupCommit({
        write: (batch) => this.addAll(batch),
        maxBatch: MAX_MISSIONS_PER_INSERT,
        maxInFlight: INSERTS_IN_FLIGHT,
      });
  }

  async add(mission: Mission): Promise<boolean> {
    if (!this.achievements) return this.addOne(mission);
    // The events carry this request's trace: the batch is written from whichever turn runs it.
    const traceparent = activeTraceparent();
    const events = mission.pullEvents().map((event) => {
      const encoded = toOutboxEvent(event);
      return { ...encoded, traceparent: encoded.traceparent ?? traceparent };
    });
    return this.achievements.submit({ state: mission.state, events });
  }

  /** The hot path of the platform: missions and their MissionAchieved events in one statement. */
  private async addAll(batch: readonly PendingAchievement[]): Promise<boolean[]> {
    const events = batch.flatMap(({ state, events }) => events.map((event) => ({ rowId: state.id.toLowerCase(), event })));
    const stored = await this.scope.writeStatement((executor) =>
      insertRowsWithEvents(executor, insertMissions(batch), outboxEvents, events),
    );
    return batch.map(({ state }) => stored.has(state.id.toLowerCase()));
  }

  private async addOne(mission: Mission): Promise<boolean> {
    // The mission and its MissionAchieved event in one statement.
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
      const rows = await LOCK_MISSIONS.run(tx, { ids: missionIds });
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

/**
 * Newly achieved missions in one INSERT whose text does not depend on how many there are (the
 * rows travel as one json parameter): it runs prepared, and building it costs the same for one
 * mission as for a hundred. Only achieved missions are inserted, so no reward fields.
 */
function insertMissions(batch: readonly PendingAchievement[]): SQL {
  const json = JSON.stringify(
    batch.map(({ state }) => ({
      id: state.id,
      customer_id: state.customerId,
      event_code: state.eventCode,
      mission_code: state.missionCode,
      status: state.status,
      achieved_at: state.achievedAt.toISOString(),
    })),
  );
  return sql`insert into ${missions} (id, customer_id, event_code, mission_code, status, achieved_at)
    select v.id, v.customer_id, v.event_code, v.mission_code, v.status::mission.mission_status, v.achieved_at
    from json_to_recordset(${json}::json) as v(id uuid, customer_id text, event_code text, mission_code text, status text, achieved_at timestamptz)
    on conflict do nothing
    returning id`;
}

/** One UPDATE for the reward fields of many missions (the only fields that change after achieving). */
function bulkRewardUpdate(states: readonly MissionState[]): SQL {
  // The rows as one json parameter: one prepared statement for any batch size.
  const json = JSON.stringify(
    states.map((state) => ({
      id: state.id,
      status: state.status,
      reward_id: state.rewardId ?? null,
      rewarded_at: state.rewardedAt?.toISOString() ?? null,
    })),
  );
  // The ids also as one array parameter, which the planner looks up in the primary key (see
  // LOCK_MISSIONS): joined on the json's rows alone (guessed at 100), it scanned every mission.
  const ids = sql.param(states.map((state) => state.id));
  return sql`update ${missions} set status = v.status::mission.mission_status, reward_id = v.reward_id, rewarded_at = v.rewarded_at
    from json_to_recordset(${json}::json) as v(id uuid, status text, reward_id uuid, rewarded_at timestamptz)
    where ${missions.id} = v.id and ${missions.id} = any(${ids}::uuid[])`;
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

export function fromRow(row: MissionRow): MissionState {
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
