import type { WalletRepository } from '../domain/wallet-repository.js';

export interface ReturnRewardCommand {
  readonly rewardId: string;
  readonly orderId: string;
  readonly reason: string;
}

/**
 * The gift order a reward paid for was cancelled (or rejected by the gift shop): the reward
 * goes back into the wallet, usable again. Repeats and stale orders change nothing.
 */
export class ReturnReward {
  constructor(private readonly deps: { wallets: WalletRepository; now: () => Date }) {}

  async execute(command: ReturnRewardCommand): Promise<void> {
    await this.deps.wallets.updateReward(command.rewardId, (reward) =>
      reward.returnToWallet(command.orderId, command.reason, this.deps.now()),
    );
  }
}
