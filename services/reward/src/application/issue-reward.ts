import { Reward } from '../domain/reward.js';
import type { RewardRepository } from '../domain/reward-repository.js';

export interface IssueRewardCommand {
  readonly missionId: string;
  readonly customerId: string;
}

/**
 * Missions were achieved: issue their rewards (many at once when events arrive in a burst).
 * A mission earns exactly one reward, so a repeated command (even one that slipped past the
 * inbox) changes nothing.
 */
export class IssueReward {
  constructor(private readonly deps: { rewards: RewardRepository; newId: () => string; now: () => Date }) {}

  async execute(commands: readonly IssueRewardCommand[]): Promise<void> {
    const at = this.deps.now();
    await this.deps.rewards.addAll(
      commands.map((command) => Reward.issue({ id: this.deps.newId(), missionId: command.missionId, customerId: command.customerId, at })),
    );
  }
}
