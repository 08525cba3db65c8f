import type { WalletRepository } from '../domain/wallet-repository.js';
import { WalletReward } from '../domain/wallet-reward.js';

export interface CreditRewardCommand {
  readonly rewardId: string;
  readonly customerId: string;
  readonly missionId: string;
  readonly issuedAt: Date;
}

/** Rewards were issued: put each in its customer's wallet (once, however often it is announced). */
export class CreditReward {
  constructor(private readonly deps: { wallets: WalletRepository; now: () => Date }) {}

  async execute(commands: readonly CreditRewardCommand[]): Promise<void> {
    const at = this.deps.now();
    const rewards = commands.map((command) =>
      WalletReward.credit({ rewardId: command.rewardId, customerId: command.customerId, missionId: command.missionId, at }),
    );
    await this.deps.wallets.addRewards(rewards);
  }
}
