import { WalletReward } from '../domain/wallet-reward.js';
import type { WalletRepository } from '../domain/wallet-repository.js';

export interface CreditRewardCommand {
  readonly rewardId: string;
  readonly customerId: string;
  readonly missionId: string;
  readonly issuedAt: Date;
}

/** A reward was issued: put it in the customer's wallet (once, however often it is announced). */
export class CreditReward {
  constructor(private readonly deps: { wallets: WalletRepository; now: () => Date }) {}

  async execute(command: CreditRewardCommand): Promise<void> {
    const reward = WalletReward.credit({ rewardId: command.rewardId, customerId: command.customerId, missionId: command.missionId, at: this.deps.now() });
    await this.deps.wallets.transaction((tx) => tx.addReward(reward));
  }
}
