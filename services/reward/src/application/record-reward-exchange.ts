import type { RewardRepository } from '../domain/reward-repository.js';

/**
 * Keeps the reward's status in step with the wallet: exchanged when the wallet spends it on a
 * gift order, issued again when that order is cancelled and the reward comes back.
 */
export class RecordRewardExchange {
  constructor(private readonly deps: { rewards: RewardRepository }) {}

  async exchanged(command: { rewardId: string; orderId: string }): Promise<void> {
    await this.deps.rewards.update(command.rewardId, (reward) => reward.markExchanged(command.orderId));
  }

  async returned(command: { rewardId: string; orderId: string }): Promise<void> {
    await this.deps.rewards.update(command.rewardId, (reward) => reward.markReturned(command.orderId));
  }
}
