import { GiftOrderNotFoundError, OrderIdConflictError } from '../domain/gift-errors.js';
import { type ExchangeTerms, GiftOrder } from '../domain/gift-order.js';
import type { GiftUnitOfWork } from '../domain/gift-unit-of-work.js';
import { applyStockMove } from './apply-stock-move.js';

export interface ReleaseAbandonedOrderCommand extends ExchangeTerms {
  readonly orderId: string;
}

/**
 * The wallet abandoned the exchange (wallet.exchange_abandoned): a reserved unit goes back, and
 * the order id is never honoured later. If no reservation arrived yet, the id is recorded as
 * released so a late ReserveGift with it is refused.
 */
export class ReleaseAbandonedOrder {
  constructor(private readonly deps: { unitOfWork: GiftUnitOfWork; now: () => Date }) {}

  async execute(command: ReleaseAbandonedOrderCommand): Promise<void> {
    const { orderId, customerId, giftId, rewardId } = command;
    const at = this.deps.now();
    await this.deps.unitOfWork.run(async ({ gifts, orders }) => {
      let order = await orders.lock(orderId);
      if (!order) {
        const giftName = (await gifts.findById(giftId))?.state.name ?? '';
        if (await orders.add(GiftOrder.tombstone({ id: orderId, customerId, giftId, rewardId, giftName, at }))) return;
        // A ReserveGift with this id committed meanwhile: release what it reserved.
        order = await orders.lock(orderId);
        if (!order) throw new GiftOrderNotFoundError(orderId);
      }
      if (!order.isFor(command)) throw new OrderIdConflictError(orderId);
      await applyStockMove(gifts, order.state, order.release(at), at);
      await orders.save(order);
    });
  }
}
