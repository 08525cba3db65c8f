import type { WalletRepository } from '../domain/wallet-repository.js';
import type { SettleExchange } from './settle-exchange.js';

/**
 * Settles exchanges a crash left pending (the wallet died after holding the reward, or after
 * the gift shop reserved but before the reward was spent). Each is settled as the request would
 * have been: the gift shop answers the same order id the same way, so the reward ends either
 * spent on a reserved gift or available again with the reservation released.
 */
export class RecoverStalledExchanges {
  constructor(private readonly deps: { wallets: WalletRepository; settle: SettleExchange; now: () => Date; stalledAfterMs: number }) {}

  async execute(): Promise<number> {
    const olderThan = new Date(this.deps.now().getTime() - this.deps.stalledAfterMs);
    const stalled = await this.deps.wallets.stalledExchanges(olderThan, 100);
    for (const exchange of stalled) {
      // A failure has already failed the exchange (and released the reward); nothing to rethrow.
      await this.deps.settle.execute(exchange).catch(() => undefined);
    }
    return stalled.length;
  }
}
