import { requireCode, requireUuid } from '#platform/validation/request-fields';
import { GiftNotFoundError, GiftOrderNotFoundError, OutOfStockError } from '../domain/gift-errors.js';
import { GiftOrder, type GiftOrderState } from '../domain/gift-order.js';
import type { GiftUnitOfWork } from '../domain/gift-unit-of-work.js';

export interface ReserveGiftCommand {
  readonly orderId: string;
  readonly customerId: string;
  readonly giftId: string;
  readonly rewardId: string;
}

/**
 * The wallet, exchanging a reward, reserves one unit of the gift for a new order. The order and
 * the reservation commit together or not at all; the order id makes a retried call return the
 * same order instead of reserving again. Of two customers racing for the last unit exactly one
 * gets it: the reservation is a single guarded UPDATE.
 */
export class ReserveGift {
  constructor(private readonly deps: { unitOfWork: GiftUnitOfWork; reservationTtlMs: number; now: () => Date }) {}

  async execute(command: ReserveGiftCommand): Promise<GiftOrderState> {
    const orderId = requireUuid('order_id', command.orderId);
    const terms = {
      customerId: requireCode('customer_id', command.customerId),
      giftId: requireCode('gift_id', command.giftId),
      rewardId: requireUuid('reward_id', command.rewardId),
    };
    const at = this.deps.now();
    return this.deps.unitOfWork.run(async ({ gifts, orders }) => {
      const gift = await gifts.findById(terms.giftId);
      const reservedUntil = new Date(at.getTime() + this.deps.reservationTtlMs);
      const order = GiftOrder.reserve({ id: orderId, ...terms, giftName: gift?.state.name ?? '', at, reservedUntil });
      if (!(await orders.add(order))) {
        // The id is taken: a retry of this exchange gets its order back as it is now.
        const existing = await orders.findById(orderId);
        if (!existing) throw new GiftOrderNotFoundError(orderId);
        existing.confirmRetry(terms);
        return existing.state;
      }
      // Throwing rolls the new order back with the transaction: a refused reservation leaves nothing.
      if (!gift) throw new GiftNotFoundError(terms.giftId);
      if (!(await gifts.moveStock(terms.giftId, 'reserve', 1, at))) throw new OutOfStockError(terms.giftId);
      return order.state;
    });
  }
}
