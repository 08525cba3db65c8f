import { and, desc, eq } from 'drizzle-orm';
import { seqBefore, toPage } from '../../../../platform/src/db/keyset-page.js';
import type { TransactionScope } from '../../../../platform/src/db/transaction-scope.js';
import { appendToOutbox } from '../../../../platform/src/outbox/outbox-writer.js';
import { Reward, type RewardState } from '../../domain/reward.js';
import type { RewardPage, RewardRepository } from '../../domain/reward-repository.js';
import { toOutboxEvent } from '../messaging/reward-event-mapper.js';
import { outboxEvents, rewards } from './reward-schema.js';

type RewardRow = typeof rewards.$inferSelect;

/** Rewards in Postgres; every write stores the reward's new events in the outbox with it. */
export class DrizzleRewardRepository implements RewardRepository {
  constructor(private readonly scope: TransactionScope) {}

  async addAll(newRewards: readonly Reward[]): Promise<number> {
    if (newRewards.length === 0) return 0;
    return this.scope.write(async (tx) => {
      const inserted = await tx
        .insert(rewards)
        .values(
          newRewards.map(({ state }) => ({
            id: state.id,
            missionId: state.missionId,
            customerId: state.customerId,
            status: state.status,
            issuedAt: state.issuedAt,
          })),
        )
        .onConflictDoNothing({ target: rewards.missionId })
        .returning({ id: rewards.id });
      const stored = new Set(inserted.map((row) => row.id));
      const events = newRewards.filter((reward) => stored.has(reward.state.id)).flatMap((reward) => reward.pullEvents());
      await appendToOutbox(tx, outboxEvents, events.map(toOutboxEvent));
      return stored.size;
    });
  }

  async update(rewardId: string, change: (reward: Reward) => void): Promise<Reward | undefined> {
    return this.scope.write(async (tx) => {
      const [row] = await tx.select().from(rewards).where(eq(rewards.id, rewardId)).for('update');
      if (!row) return undefined;
      const reward = Reward.restore(fromRow(row));
      change(reward);
      await tx
        .update(rewards)
        .set({ status: reward.state.status, orderId: reward.state.orderId ?? null })
        .where(eq(rewards.id, rewardId));
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

function fromRow(row: RewardRow): RewardState {
  return {
    id: row.id,
    missionId: row.missionId,
    customerId: row.customerId,
    status: row.status,
    issuedAt: row.issuedAt,
    orderId: row.orderId ?? undefined,
  };
}
