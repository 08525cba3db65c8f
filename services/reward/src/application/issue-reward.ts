import { Reward } from '../domain/reward.js';
import type { RewardRepository } from '../domain/reward-repository.js';

export interface IssueRewardCommand {
  readonly missionId: string;
  readonly customerId: string;
}

/**
 * A mission was achieved: issue its reward. A mission earns exactly one reward, so a repeated
 * command (even one that slipped past the inbox) changes nothing.
 */
export class IssueReward {
  constructor(private readonly deps: { rewards: RewardRepository; newId: () => string; now: () => Date }) {}

  async execute(command: IssueRewardCommand): Promise<void> {
    const reward = Reward.issue({ id: this.deps.newId(), missionId: command.missionId, customerId: command.customerId, at: this.deps.now() });
    await this.deps.rewards.add(reward);
  }
}
