import { and, desc, eq } from 'drizzle-orm';
import { seqBefore, toPage } from '../../../../platform/src/db/keyset-page.js';
import type { TransactionScope } from '../../../../platform/src/db/transaction-scope.js';
import { appendToOutbox } from '../../../../platform/src/outbox/outbox-writer.js';
import { Mission, type MissionState } from '../../domain/mission.js';
import type { MissionPage, MissionRepository } from '../../domain/mission-repository.js';
import { toOutboxEvent } from '../messaging/mission-event-mapper.js';
import { missions, outboxEvents } from './mission-schema.js';

type MissionRow = typeof missions.$inferSelect;

/** Missions in Postgres; every write stores the mission's new events in the outbox with it. */
export class DrizzleMissionRepository implements MissionRepository {
  constructor(private readonly scope: TransactionScope) {}

  async add(mission: Mission): Promise<boolean> {
    return this.scope.write(async (tx) => {
      const inserted = await tx.insert(missions).values(toRow(mission.state)).onConflictDoNothing().returning({ id: missions.id });
      if (inserted.length === 0) return false;
      await appendToOutbox(tx, outboxEvents, mission.pullEvents().map(toOutboxEvent));
      return true;
    });
  }

  async update(missionId: string, change: (mission: Mission) => void): Promise<Mission | undefined> {
    return this.scope.write(async (tx) => {
      const [row] = await tx.select().from(missions).where(eq(missions.id, missionId)).for('update');
      if (!row) return undefined;
      const mission = Mission.restore(fromRow(row));
      change(mission);
      const events = mission.pullEvents();
      if (events.length === 0) return mission;
      const { seq: _seq, ...values } = toRow(mission.state);
      await tx.update(missions).set(values).where(eq(missions.id, missionId));
      await appendToOutbox(tx, outboxEvents, events.map(toOutboxEvent));
      return mission;
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
