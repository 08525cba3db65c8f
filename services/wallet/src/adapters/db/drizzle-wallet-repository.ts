import { desc, eq } from 'drizzle-orm';
import type { TransactionScope } from '../../../../platform/src/db/transaction-scope.js';
import { appendToOutbox } from '../../../../platform/src/outbox/outbox-writer.js';
import type { WalletRepository } from '../../domain/wallet-repository.js';
import type { WalletReward, WalletRewardState } from '../../domain/wallet-reward.js';
import { toOutboxEvent } from '../messaging/wallet-event-mapper.js';
import { outboxEvents, walletRewards } from './wallet-schema.js';

/** Wallet rewards in Postgres; every write stores its new events in the outbox with it. */
export class DrizzleWalletRepository implements WalletRepository {
  constructor(private readonly scope: TransactionScope) {}

  async add(reward: WalletReward): Promise<boolean> {
    return this.scope.write(async (tx) => {
      const inserted = await tx.insert(walletRewards).values(reward.state).onConflictDoNothing().returning({ rewardId: walletRewards.rewardId });
      if (inserted.length === 0) return false;
      await appendToOutbox(tx, outboxEvents, reward.pullEvents().map(toOutboxEvent));
      return true;
    });
  }

  async rewardsOf(customerId: string): Promise<WalletRewardState[]> {
    const rows = await this.scope.reader
      .select()
      .from(walletRewards)
      .where(eq(walletRewards.customerId, customerId))
      .orderBy(desc(walletRewards.seq));
    return rows.map(({ seq: _seq, ...state }) => state);
  }
}
