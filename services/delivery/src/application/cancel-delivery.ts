import { requireUuid } from '#platform/validation/request-fields';
import { Delivery, type DeliveryState } from '../domain/delivery.js';
import { DeliveryNotFoundError } from '../domain/delivery-errors.js';
import type { DeliveryRepository } from '../domain/delivery-repository.js';

export interface CancelDeliveryCommand {
  readonly orderId: string;
  /** Kept on the tombstone if the order was cancelled before its delivery started. */
  readonly customerId: string;
  readonly giftId: string;
}

/**
 * A gift order was cancelled. Its started delivery is cancelled and DeliveryCancelled is
 * announced (the stock goes back); a cancelled or delivered one is left as it is. If the order
 * has no delivery yet (the cancellation overtook the payment), a tombstone takes its place and
 * nothing is announced, since no stock was ever taken; the late payment then starts nothing.
 * Returns the order's delivery as it now stands.
 */
export class CancelDelivery {
  constructor(private readonly deps: { deliveries: DeliveryRepository; newId: () => string; now: () => Date }) {}

  async execute(command: CancelDeliveryCommand): Promise<DeliveryState> {
    const orderId = requireUuid('order_id', command.orderId);
    const at = this.deps.now();
    // The tombstone goes in first, guarded by the unique order id: if it is stored, no delivery
    // existed (nor can one start later); if not, the order's delivery exists and is cancelled.
    // Either way a payment handled concurrently by another replica cannot slip in between.
    const tombstone = Delivery.tombstone({ id: this.deps.newId(), orderId, customerId: command.customerId, giftId: command.giftId, at });
    if (await this.deps.deliveries.add(tombstone)) return tombstone.state;
    const delivery = await this.deps.deliveries.updateByOrder(orderId, (current) => current.cancel(at));
    if (!delivery) throw new DeliveryNotFoundError({ orderId });
    return delivery.state;
  }
}
