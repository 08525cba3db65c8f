import type { ExchangeState } from './exchange.js';
import type { WalletReward, WalletRewardState } from './wallet-reward.js';

/**
 * Persistence port of the wallet, for what changes one aggregate at a time (the transaction
 * shapes are written down in platform/src/db/transaction-scope.ts). Saving writes the entity's
 * pending events to the outbox in the same transaction.
 */
export interface WalletRepository {
  /** Adds newly credited rewards, skipping any already in a wallet; returns how many were added. */
  addRewards(rewards: readonly WalletReward[]): Promise<number>;
  /**
   * One reward, changed alone: loaded FOR UPDATE, changed by `change` (domain methods only),
   * saved with its events. Undefined when no wallet holds it.
   */
  updateReward(rewardId: string, change: (reward: WalletReward) => void): Promise<WalletReward | undefined>;
  /** Every reward the customer holds, newest first (empty: no wallet). */
  rewardsOf(customerId: string): Promise<WalletRewardState[]>;
  findExchange(customerId: string, idempotencyKey: string): Promise<ExchangeState | undefined>;
  /** Exchanges still pending since before the given time (a crash interrupted them). */
  stalledExchanges(olderThan: Date, limit: number): Promise<ExchangeState[]>;
}
