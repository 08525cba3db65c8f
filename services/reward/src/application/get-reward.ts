import { requireUuid } from '../../../platform/src/validation/request-fields.js';
import type { RewardState } from '../domain/reward.js';
import { RewardNotFoundError } from '../domain/reward-errors.js';
import type { RewardRepository } from '../domain/reward-repository.js';

export class GetReward {
  constructor(private readonly deps: { rewards: RewardRepository }) {}

  async execute(query: { rewardId: string }): Promise<RewardState> {
    const rewardId = requireUuid('reward_id', query.rewardId);
    const reward = await this.deps.rewards.findById(rewardId);
    if (!reward) throw new RewardNotFoundError(rewardId);
    return reward.state;
  }
}
