import type { Caller } from '#platform/auth/caller';
import { requireUuid } from '#platform/validation/request-fields';
import type { RewardState } from '../domain/reward.js';
import { RewardNotFoundError } from '../domain/reward-errors.js';
import type { RewardRepository } from '../domain/reward-repository.js';

export class GetReward {
  constructor(private readonly deps: { rewards: RewardRepository }) {}

  /** Someone else's reward is NOT_FOUND to a player, so ids do not leak. */
  async execute(query: { rewardId: string }, caller: Caller): Promise<RewardState> {
    const rewardId = requireUuid('reward_id', query.rewardId);
    const reward = await this.deps.rewards.findById(rewardId);
    if (!reward || !caller.mayActFor(reward.state.customerId)) throw new RewardNotFoundError(rewardId);
    return reward.state;
  }
}
