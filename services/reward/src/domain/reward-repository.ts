import type { Reward } from './reward.js';

export interface RewardPage {
  readonly rewards: Reward[];
  readonly nextBefore?: number;
}

/** Persistence port. Writes store the reward's pending events with the change, atomically. */
export interface RewardRepository {
  /** Stores new rewards, skipping any whose mission already has one; returns how many were stored. */
  addAll(rewards: readonly Reward[]): Promise<number>;
  /** Loads the reward locked for update, applies the change, stores it; undefined if absent. */
  update(rewardId: string, change: (reward: Reward) => void): Promise<Reward | undefined>;
  findById(rewardId: string): Promise<Reward | undefined>;
  listByCustomer(customerId: string, page: { size: number; before?: number }): Promise<RewardPage>;
}
