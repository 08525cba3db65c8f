import type { Caller } from '#platform/auth/caller';
import { requireCode, requireUuid } from '#platform/validation/request-fields';
import { GiftOrderNotFoundError } from '../domain/gift-errors.js';
import type { GiftOrderState } from '../domain/gift-order.js';
import type { GiftUnitOfWork } from '../domain/gift-unit-of-work.js';
import { applyStockMove } from './apply-stock-move.js';

export interface CancelGiftOrderCommand {
  readonly orderId: string;
  /** The customer asking; must own the order. */
  readonly customerId: string;
}

/**
 * A customer cancels a paid order before it is delivered. GiftOrderCancelled tells the delivery
 * to stop and the wallet to return the reward; a unit that was only reserved is released at once.
 */
export class CancelGiftOrder {
  constructor(private readonly deps: { unitOfWork: GiftUnitOfWork; now: () => Date }) {}

  async execute(command: CancelGiftOrderCommand, caller: Caller): Promise<GiftOrderState> {
    const orderId = requireUuid('order_id', command.orderId);
    const customerId = requireCode('customer_id', command.customerId);
    caller.requireActsFor('customer_id', customerId);
    const at = this.deps.now();
    return this.deps.unitOfWork.run(async ({ gifts, orders }) => {
      const order = await orders.lock(orderId);
      // Another customer's order does not exist as far as this caller can tell.
      if (!order || order.state.customerId !== customerId || !caller.mayActFor(order.state.customerId))
        throw new GiftOrderNotFoundError(orderId);
      await applyStockMove(gifts, order.state, order.cancel(customerId, at), at);
      await orders.save(order);
      return order.state;
    });
  }
}
