import { requireCode, requireUuid } from '#platform/validation/request-fields';
import { Delivery } from '../domain/delivery.js';
import type { DeliveryRepository } from '../domain/delivery-repository.js';

export interface StartDeliveryCommand {
  readonly orderId: string;
  readonly customerId: string;
  readonly giftId: string;
}

/**
 * A gift order was paid: its delivery starts, and DeliveryStarted is announced with the same
 * commit. An order has one delivery, so a repeated payment (even one that slipped past the
 * inbox) changes nothing, and neither does a payment that arrives after the order was
 * cancelled: the cancellation left a tombstone in the order's place.
 */
export class StartDelivery {
  constructor(private readonly deps: { deliveries: DeliveryRepository; newId: () => string; now: () => Date }) {}

  async execute(command: StartDeliveryCommand): Promise<void> {
    const orderId = requireUuid('order_id', command.orderId);
    const customerId = requireCode('customer_id', command.customerId);
    const giftId = requireCode('gift_id', command.giftId);
    await this.deps.deliveries.add(Delivery.start({ id: this.deps.newId(), orderId, customerId, giftId, at: this.deps.now() }));
  }
}
