import { requireUuid } from '../../../platform/src/validation/request-fields.js';
import type { GiftOrderState } from '../domain/gift-order.js';
import { GiftOrderNotFoundError } from '../domain/gift-errors.js';
import type { GiftOrderRepository } from '../domain/gift-order-repository.js';

export class GetGiftOrder {
  constructor(private readonly deps: { orders: GiftOrderRepository }) {}

  async execute(query: { orderId: string }): Promise<GiftOrderState> {
    const orderId = requireUuid('order_id', query.orderId);
    const order = await this.deps.orders.findById(orderId);
    if (!order) throw new GiftOrderNotFoundError(orderId);
    return order.state;
  }
}
