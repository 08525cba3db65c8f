import type { Exchange } from './exchange.js';
import type { WalletReward } from './wallet-reward.js';

/** Rewards inside a unit of work: each locked until it ends. */
export interface WalletRewardStore {
  lock(rewardId: string): Promise<WalletReward | undefined>;
  save(reward: WalletReward): Promise<void>;
}

/** Exchanges inside a unit of work: each locked until it ends. */
export interface ExchangeStore {
  lock(customerId: string, idempotencyKey: string): Promise<Exchange | undefined>;
  save(exchange: Exchange): Promise<void>;
}

/** Both stores bound to one transaction. */
export interface WalletStores {
  readonly rewards: WalletRewardStore;
  readonly exchanges: ExchangeStore;
}

/**
 * Runs work that changes a reward and its exchange together in one transaction: the changes and
 * their events commit together, or (when the work throws) nothing does.
 */
export interface WalletUnitOfWork {
  run<T>(work: (stores: WalletStores) => Promise<T>): Promise<T>;
}
