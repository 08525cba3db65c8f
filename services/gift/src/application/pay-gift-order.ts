import { GiftOrderNotFoundError, OrderIdConflictError } from '../domain/gift-errors.js';
import type { ExchangeTerms } from '../domain/gift-order.js';
import type { GiftUnitOfWork } from '../domain/gift-unit-of-work.js';

export interface PayGiftOrderCommand extends ExchangeTerms {
  readonly orderId: string;
}

/**
 * The wallet spent the reward (wallet.reward_spent): the order is paid and its delivery starts.
 * If the reservation lapsed first, a unit is reserved again; when none is left the order is
 * rejected so the wallet returns the reward. Repeated events change nothing.
 */
export class PayGiftOrder {
  constructor(private readonly deps: { unitOfWork: GiftUnitOfWork; now: () => Date }) {}

  async execute(command: PayGiftOrderCommand): Promise<void> {
    const at = this.deps.now();
    await this.deps.unitOfWork.run(async ({ gifts, orders }) => {
      const order = await orders.lock(command.orderId);
      // The wallet spends only after ReserveGift answered, so the order must exist: retried, then dead-lettered.
      if (!order) throw new GiftOrderNotFoundError(command.orderId);
      if (!order.isFor(command)) throw new OrderIdConflictError(command.orderId);
      if (order.awaitsRenewedReservation) {
        const gift = await gifts.moveStock(order.state.giftId, 'reserve', 1, at);
        if (gift) order.payOnRenewedReservation(gift.name, at);
        else order.reject((await gifts.findById(order.state.giftId)) ? 'out of stock' : 'gift not found', at);
      } else {
        order.pay(at);
      }
      await orders.save(order);
    });
  }
}
