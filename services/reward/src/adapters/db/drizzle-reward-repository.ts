import { and, desc, eq, sql } from 'drizzle-orm';
import { BuiltQuery, placeholders } from '#platform/db/built-query';
import { rowsOf } from '#platform/db/database';
import { seqBefore, toPage } from '#platform/db/keyset-page';
import type { TransactionScope } from '#platform/db/transaction-scope';
import { appendToOutbox } from '#platform/outbox/outbox-writer';
import { Reward, type RewardState } from '../../domain/reward.js';
import type { RewardPage, RewardRepository } from '../../domain/reward-repository.js';
import { toOutboxEvent } from '../messaging/reward-event-mapper.js';
import { outboxEvents, rewards } from './reward-schema.js';

type RewardRow = typeof rewards.$inferSelect;

/** An exchange's spend and a cancellation's return lock and save a reward: built once (see BuiltQuery). */
const LOCK_REWARD = new BuiltQuery('reward_lock_reward', (executor) =>
  executor
    .select()
    .from(rewards)
    .where(eq(rewards.id, sql.placeholder('rewardId')))
    .for('update'),
);
const SAVE_REWARD = new BuiltQuery('reward_save_reward', (executor) =>
  executor
    .update(rewards)
    .set(placeholders('status', 'orderId'))
    .where(eq(rewards.id, sql.placeholder('rewardId'))),
);

/** Rewards in Postgres; every write stores the reward's new events in the outbox with it. */
export class DrizzleRewardRepository implements RewardRepository {
  constructor(private readonly scope: TransactionScope) {}

  async addAll(newRewards: readonly Reward[]): Promise<number> {
    if (newRewards.length === 0) return 0;
    return this.scope.write(async (tx) => {
      // The rows as one json parameter: one prepared statement for any batch size.
      const json = JSON.stringify(
        newRewards.map(({ state }) => ({
          id: state.id,
          mission_id: state.missionId,
          customer_id: state.customerId,
          status: state.status,
          issued_at: state.issuedAt.toISOString(),
        })),
      );
      const inserted = rowsOf<{ id: string }>(
        await tx.execute(sql`insert into ${rewards} (id, mission_id, customer_id, status, issued_at)
          select v.id, v.mission_id, v.customer_id, v.status::reward.reward_status, v.issued_at
          from json_to_recordset(${json}::json) as v(id uuid, mission_id uuid, customer_id text, status text, issued_at timestamptz)
          on conflict (mission_id) do nothing
          returning id::text as id`),
      );
      const stored = new Set(inserted.map((row) => row.id));
      const events = newRewards.filter((reward) => stored.has(reward.state.id)).flatMap((reward) => reward.pullEvents());
      await appendToOutbox(tx, outboxEvents, events.map(toOutboxEvent));
      return stored.size;
    });
  }

  async update(rewardId: string, change: (reward: Reward) => void): Promise<Reward | undefined> {
    return this.scope.write(async (tx) => {
      const [row] = await LOCK_REWARD.run(tx, { rewardId });
      if (!row) return undefined;
      const reward = Reward.restore(fromRow(row));
      change(reward);
      await SAVE_REWARD.run(tx, { status: reward.state.status, orderId: reward.state.orderId ?? null, rewardId });
      await appendToOutbox(tx, outboxEvents, reward.pullEvents().map(toOutboxEvent));
      return reward;
    });
  }

  async findById(rewardId: string): Promise<Reward | undefined> {
    const [row] = await this.scope.reader.select().from(rewards).where(eq(rewards.id, rewardId));
    return row ? Reward.restore(fromRow(row)) : undefined;
  }

  async listByCustomer(customerId: string, page: { size: number; before?: number }): Promise<RewardPage> {
    const rows = await this.scope.reader
      .select()
      .from(rewards)
      .where(and(eq(rewards.customerId, customerId), seqBefore(rewards.seq, page.before)))
      .orderBy(desc(rewards.seq))
      .limit(page.size + 1);
    const { items, nextBefore } = toPage(rows, page.size, (row) => Reward.restore(fromRow(row)));
    return { rewards: items, nextBefore };
  }
}

export function fromRow(row: RewardRow): RewardState {
  return {
    id: row.id,
    missionId: row.missionId,
    customerId: row.customerId,
    status: row.status,
    issuedAt: row.issuedAt,
    orderId: row.orderId ?? undefined,
  };
}
