import type { Caller } from '#platform/auth/caller';
import { requireUuid } from '#platform/validation/request-fields';
import { GiftOrderNotFoundError } from '../domain/gift-errors.js';
import type { GiftOrderState } from '../domain/gift-order.js';
import type { GiftOrderRepository } from '../domain/gift-order-repository.js';

export class GetGiftOrder {
  constructor(private readonly deps: { orders: GiftOrderRepository }) {}

  /** Someone else's order is NOT_FOUND to a player, so ids do not leak. */
  async execute(query: { orderId: string }, caller: Caller): Promise<GiftOrderState> {
    const orderId = requireUuid('order_id', query.orderId);
    const order = await this.deps.orders.findById(orderId);
    if (!order || !caller.mayActFor(order.state.customerId)) throw new GiftOrderNotFoundError(orderId);
    return order.state;
  }
}
