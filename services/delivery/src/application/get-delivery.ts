import { requireUuid } from '../../../platform/src/validation/request-fields.js';
import type { DeliveryState } from '../domain/delivery.js';
import { DeliveryNotFoundError } from '../domain/delivery-errors.js';
import type { DeliveryRepository } from '../domain/delivery-repository.js';

export class GetDelivery {
  constructor(private readonly deps: { deliveries: DeliveryRepository }) {}

  async execute(query: { deliveryId: string }): Promise<DeliveryState> {
    const deliveryId = requireUuid('delivery_id', query.deliveryId);
    const delivery = await this.deps.deliveries.findById(deliveryId);
    if (!delivery || delivery.isTombstone) throw new DeliveryNotFoundError({ deliveryId });
    return delivery.state;
  }
}
