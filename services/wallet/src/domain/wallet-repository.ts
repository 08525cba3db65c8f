import type { WalletReward, WalletRewardState } from './wallet-reward.js';

/** Persistence port. Writes store pending events with the change, atomically. */
export interface WalletRepository {
  /** Adds a reward to its customer's wallet; false if it is there already. */
  add(reward: WalletReward): Promise<boolean>;
  /** Every reward the customer holds, newest first (empty: no wallet). */
  rewardsOf(customerId: string): Promise<WalletRewardState[]>;
}
