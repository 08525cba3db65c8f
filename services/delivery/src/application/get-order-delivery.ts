import type { Caller } from '#platform/auth/caller';
import { requireUuid } from '#platform/validation/request-fields';
import type { DeliveryState } from '../domain/delivery.js';
import { DeliveryNotFoundError } from '../domain/delivery-errors.js';
import type { DeliveryRepository } from '../domain/delivery-repository.js';

/** The delivery of a gift order; none until the order is paid, and none if it was cancelled first. */
export class GetOrderDelivery {
  constructor(private readonly deps: { deliveries: DeliveryRepository }) {}

  async execute(query: { orderId: string }, caller: Caller): Promise<DeliveryState> {
    const orderId = requireUuid('order_id', query.orderId);
    const delivery = await this.deps.deliveries.findByOrder(orderId);
    if (!delivery || delivery.isTombstone || !caller.mayActFor(delivery.state.customerId)) throw new DeliveryNotFoundError({ orderId });
    return delivery.state;
  }
}
