import type { Caller } from '#platform/auth/caller';
import { DomainError } from '#platform/errors/domain-error';
import { requireCode, requireUuid } from '#platform/validation/request-fields';
import { Exchange, type ExchangeState } from '../domain/exchange.js';
import type { GiftShop } from '../domain/gift-shop.js';
import { ExchangeInProgressError, IdempotencyKeyReusedError, RewardNotInWalletError } from '../domain/wallet-errors.js';
import type { WalletUnitOfWork } from '../domain/wallet-unit-of-work.js';
import { type ExchangeOutcomes, IGNORE_OUTCOMES } from './exchange-outcomes.js';
import type { SettleExchange } from './settle-exchange.js';

export interface ExchangeRewardCommand {
  readonly customerId: string;
  readonly rewardId: string;
  readonly giftId: string;
  readonly idempotencyKey: string;
}

/**
 * A customer exchanges a reward for a gift (docs/requirements.md: seed 000 req. 4-5, seed 002 req. 1-3).
 * 1. One transaction records the exchange as pending and holds the reward.
 * 2. The gift shop reserves the gift, synchronously (SettleExchange).
 * 3. One transaction spends the reward (RewardSpent pays the gift order), or releases it.
 * A crash between the steps leaves a pending exchange that RecoverStalledExchanges settles.
 */
export class ExchangeReward {
  constructor(
    private readonly deps: {
      unitOfWork: WalletUnitOfWork;
      settle: SettleExchange;
      giftShop: GiftShop;
      newId: () => string;
      now: () => Date;
      outcomes?: ExchangeOutcomes;
    },
  ) {}

  async execute(command: ExchangeRewardCommand, caller: Caller): Promise<ExchangeState> {
    const customerId = requireCode('customer_id', command.customerId);
    caller.requireActsFor('customer_id', customerId);
    const request = {
      customerId,
      rewardId: requireUuid('reward_id', command.rewardId),
      giftId: requireCode('gift_id', command.giftId),
      idempotencyKey: requireCode('idempotency_key', command.idempotencyKey),
    };
    // Fail fast while the gift shop is known to be down: nothing is held, written or called.
    try {
      this.deps.giftShop.ensureAvailable();
    } catch (error) {
      (this.deps.outcomes ?? IGNORE_OUTCOMES).failed(error instanceof DomainError ? error.code : 'GIFT_SHOP_ERROR');
      throw error;
    }
    const begun = await this.begin(request);
    if (begun.status === 'completed') return begun;
    return this.deps.settle.execute(begun);
  }

  /** Step 1, or the earlier result when the same request comes again. */
  private begin(request: ExchangeRewardCommand): Promise<ExchangeState> {
    return this.deps.unitOfWork.run(async ({ rewards, exchanges }) => {
      // Both locks in one round trip (sent in this order on the transaction's connection, so
      // the lock order is unchanged); the reward's lock is simply let go if the exchange ends here.
      const [existing, reward] = await Promise.all([
        exchanges.lock(request.customerId, request.idempotencyKey),
        rewards.lock(request.rewardId),
      ]);
      if (existing && !existing.matches(request)) throw new IdempotencyKeyReusedError(request.idempotencyKey);
      if (existing?.state.status === 'completed') return existing.state;
      if (existing?.state.status === 'pending') throw new ExchangeInProgressError(request.rewardId);

      if (!reward || reward.state.customerId !== request.customerId) throw new RewardNotInWalletError(request.customerId, request.rewardId);
      const at = this.deps.now();
      const exchange = existing ?? Exchange.request({ ...request, orderId: this.deps.newId(), at });
      if (existing) exchange.retry(this.deps.newId(), at);
      reward.hold(exchange.state.orderId);
      await Promise.all([rewards.save(reward), exchanges.save(exchange)]);
      return exchange.state;
    });
  }
}
