import { giftOrderCancelled, giftOrderPaid } from '#contracts/events';
import type { Transaction } from '#platform/db/database';
import { handleEvent } from '#platform/inbox/event-consumer';
import { requireEventFields } from '#platform/inbox/event-fields';
import type { Logger } from '#platform/logging/logger';
import type { CancelDelivery } from '../../application/cancel-delivery.js';
import type { StartDelivery } from '../../application/start-delivery.js';

/**
 * Events the delivery service consumes, each applied in the consumer's transaction. Both are
 * idempotent by state as well as by the inbox, and either may arrive first.
 */
export function deliveryEventHandlers(
  useCasesIn: (tx: Transaction) => { startDelivery: StartDelivery; cancelDelivery: CancelDelivery },
  logger: Logger,
) {
  return [
    handleEvent(giftOrderPaid, async (tx, event) => {
      requireEventFields(giftOrderPaid, { order_id: event.orderId, customer_id: event.customerId, gift_id: event.giftId });
      await useCasesIn(tx).startDelivery.execute({ orderId: event.orderId, customerId: event.customerId, giftId: event.giftId });
    }),
    handleEvent(giftOrderCancelled, async (tx, event) => {
      requireEventFields(giftOrderCancelled, { order_id: event.orderId });
      const delivery = await useCasesIn(tx).cancelDelivery.execute({
        orderId: event.orderId,
        customerId: event.customerId,
        giftId: event.giftId,
      });
      if (delivery.status === 'delivered') {
        logger.warn('gift order cancelled after its gift was delivered; the delivery stays delivered', {
          orderId: delivery.orderId,
          deliveryId: delivery.id,
        });
      }
    }),
  ];
}
