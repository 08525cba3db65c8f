import type { Exchange, ExchangeState } from './exchange.js';
import type { WalletReward, WalletRewardState } from './wallet-reward.js';

/** What one transaction of the wallet can do. Saving writes the entity's pending events too. */
export interface WalletTransaction {
  /** The reward, locked until the transaction ends. */
  lockReward(rewardId: string): Promise<WalletReward | undefined>;
  /** The exchange, locked until the transaction ends. */
  lockExchange(customerId: string, idempotencyKey: string): Promise<Exchange | undefined>;
  /** Adds newly credited rewards, skipping any already in a wallet; returns how many were added. */
  addRewards(rewards: readonly WalletReward[]): Promise<number>;
  saveReward(reward: WalletReward): Promise<void>;
  saveExchange(exchange: Exchange): Promise<void>;
}

/** Persistence port of the wallet. */
export interface WalletRepository {
  /** Runs the work in one transaction: the changes and their events commit together, or nothing does. */
  transaction<T>(work: (tx: WalletTransaction) => Promise<T>): Promise<T>;
  /** Every reward the customer holds, newest first (empty: no wallet). */
  rewardsOf(customerId: string): Promise<WalletRewardState[]>;
  findExchange(customerId: string, idempotencyKey: string): Promise<ExchangeState | undefined>;
  /** Exchanges still pending since before the given time (a crash interrupted them). */
  stalledExchanges(olderThan: Date, limit: number): Promise<ExchangeState[]>;
}
