import type { Caller } from '#platform/auth/caller';
import { requireUuid } from '#platform/validation/request-fields';
import type { DeliveryState } from '../domain/delivery.js';
import { DeliveryNotFoundError } from '../domain/delivery-errors.js';
import type { DeliveryRepository } from '../domain/delivery-repository.js';

export class GetDelivery {
  constructor(private readonly deps: { deliveries: DeliveryRepository }) {}

  /** Someone else's delivery is NOT_FOUND to a player, so ids do not leak. */
  async execute(query: { deliveryId: string }, caller: Caller): Promise<DeliveryState> {
    const deliveryId = requireUuid('delivery_id', query.deliveryId);
    const delivery = await this.deps.deliveries.findById(deliveryId);
    if (!delivery || delivery.isTombstone || !caller.mayActFor(delivery.state.customerId)) throw new DeliveryNotFoundError({ deliveryId });
    return delivery.state;
  }
}
