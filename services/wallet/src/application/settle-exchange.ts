import { DomainError } from '#platform/errors/domain-error';
import type { ExchangeState } from '../domain/exchange.js';
import type { GiftShop } from '../domain/gift-shop.js';
import type { WalletUnitOfWork } from '../domain/wallet-unit-of-work.js';
import { type ExchangeOutcomes, IGNORE_OUTCOMES } from './exchange-outcomes.js';

/**
 * The second half of an exchange, shared by the request path and crash recovery: ask the gift
 * shop to reserve the gift, then either spend the reward (completed) or release it (failed,
 * announcing the abandoned order so any reservation is let go). Safe to run again for the same
 * exchange: the gift shop is idempotent on the order id, and settled exchanges stay settled.
 */
export class SettleExchange {
  constructor(private readonly deps: { unitOfWork: WalletUnitOfWork; giftShop: GiftShop; now: () => Date; outcomes?: ExchangeOutcomes }) {}

  private get outcomes(): ExchangeOutcomes {
    return this.deps.outcomes ?? IGNORE_OUTCOMES;
  }

  /** Returns the settled exchange, or rethrows the gift shop's error after failing the exchange. */
  async execute(exchange: ExchangeState): Promise<ExchangeState> {
    try {
      await this.deps.giftShop.reserve({
        orderId: exchange.orderId,
        customerId: exchange.customerId,
        giftId: exchange.giftId,
        rewardId: exchange.rewardId,
      });
    } catch (error) {
      await this.fail(exchange, error instanceof DomainError ? error.code : 'GIFT_SHOP_ERROR');
      throw error;
    }
    return this.complete(exchange);
  }

  private async complete(pending: ExchangeState): Promise<ExchangeState> {
    const settled = await this.deps.unitOfWork.run(async ({ rewards, exchanges }) => {
      // Locks and saves each sent together (one round trip per pair; the lock order is unchanged).
      const [exchange, reward] = await Promise.all([
        exchanges.lock(pending.customerId, pending.idempotencyKey),
        rewards.lock(pending.rewardId),
      ]);
      if (!exchange || !reward || exchange.state.orderId !== pending.orderId) throw new Error('exchange vanished while settling');
      const at = this.deps.now();
      reward.spend(pending.orderId, pending.giftId, at);
      exchange.complete(at);
      await Promise.all([rewards.save(reward), exchanges.save(exchange)]);
      return exchange.state;
    });
    this.outcomes.completed();
    return settled;
  }

  private async fail(pending: ExchangeState, reason: string): Promise<void> {
    const failed = await this.deps.unitOfWork.run(async ({ rewards, exchanges }) => {
      const [exchange, reward] = await Promise.all([
        exchanges.lock(pending.customerId, pending.idempotencyKey),
        rewards.lock(pending.rewardId),
      ]);
      if (!exchange || exchange.state.orderId !== pending.orderId || exchange.state.status !== 'pending') return false;
      exchange.fail(reason, this.deps.now());
      reward?.release(pending.orderId);
      await Promise.all([reward ? rewards.save(reward) : undefined, exchanges.save(exchange)]);
      return true;
    });
    if (failed) this.outcomes.failed(reason);
  }
}
