import type { WalletRewardState } from './wallet-reward.js';

/** What a customer sees of their wallet: every reward they hold, newest first. */
export interface Wallet {
  readonly customerId: string;
  readonly rewards: readonly WalletRewardState[];
  readonly availableCount: number;
}

export function walletOf(customerId: string, rewards: readonly WalletRewardState[]): Wallet {
  return { customerId, rewards, availableCount: rewards.filter((reward) => reward.status === 'available').length };
}
