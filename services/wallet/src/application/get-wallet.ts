import type { Caller } from '#platform/auth/caller';
import { requireCode } from '#platform/validation/request-fields';
import { type Wallet, walletOf } from '../domain/wallet.js';
import { WalletNotFoundError } from '../domain/wallet-errors.js';
import type { WalletRepository } from '../domain/wallet-repository.js';

export class GetWallet {
  constructor(private readonly deps: { wallets: WalletRepository }) {}

  async execute(query: { customerId: string }, caller: Caller): Promise<Wallet> {
    const customerId = requireCode('customer_id', query.customerId);
    caller.requireActsFor('customer_id', customerId);
    const rewards = await this.deps.wallets.rewardsOf(customerId);
    if (rewards.length === 0) throw new WalletNotFoundError(customerId);
    return walletOf(customerId, rewards);
  }
}
