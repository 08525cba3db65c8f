import { requireUuid } from '#platform/validation/request-fields';
import type { DeliveryState } from '../domain/delivery.js';
import { DeliveryNotFoundError } from '../domain/delivery-errors.js';
import type { DeliveryRepository } from '../domain/delivery-repository.js';

/**
 * The courier handed the gift over: the delivery is delivered and DeliveryCompleted is
 * announced with the same commit. Completing it again returns it unchanged and announces
 * nothing; a cancelled delivery cannot be completed.
 */
export class CompleteDelivery {
  constructor(private readonly deps: { deliveries: DeliveryRepository; now: () => Date }) {}

  async execute(command: { deliveryId: string }): Promise<DeliveryState> {
    const deliveryId = requireUuid('delivery_id', command.deliveryId);
    const at = this.deps.now();
    const delivery = await this.deps.deliveries.update(deliveryId, (current) => {
      if (current.isTombstone) throw new DeliveryNotFoundError({ deliveryId });
      current.complete(at);
    });
    if (!delivery) throw new DeliveryNotFoundError({ deliveryId });
    return delivery.state;
  }
}
