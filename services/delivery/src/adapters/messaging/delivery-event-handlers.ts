import { giftOrderCancelled, giftOrderPaid } from '../../../../contracts/events.js';
import type { Transaction } from '../../../../platform/src/db/database.js';
import { handleEvent, PoisonEventError } from '../../../../platform/src/inbox/event-consumer.js';
import type { Logger } from '../../../../platform/src/logging/logger.js';
import type { CancelDelivery } from '../../application/cancel-delivery.js';
import type { StartDelivery } from '../../application/start-delivery.js';

/**
 * Events the delivery service consumes, each applied in the consumer's transaction. Both are
 * idempotent by state as well as by the inbox, and either may arrive first.
 */
export function deliveryEventHandlers(useCasesIn: (tx: Transaction) => { startDelivery: StartDelivery; cancelDelivery: CancelDelivery }, logger: Logger) {
  return [
    handleEvent(giftOrderPaid, async (tx, event) => {
      if (!event.orderId || !event.customerId || !event.giftId) throw new PoisonEventError('GiftOrderPaid without order_id, customer_id or gift_id');
      await useCasesIn(tx).startDelivery.execute({ orderId: event.orderId, customerId: event.customerId, giftId: event.giftId });
    }),
    handleEvent(giftOrderCancelled, async (tx, event) => {
      if (!event.orderId) throw new PoisonEventError('GiftOrderCancelled without order_id');
      const delivery = await useCasesIn(tx).cancelDelivery.execute({ orderId: event.orderId, customerId: event.customerId, giftId: event.giftId });
      if (delivery.status === 'delivered') {
        logger.warn('gift order cancelled after its gift was delivered; the delivery stays delivered', { orderId: delivery.orderId, deliveryId: delivery.id });
      }
    }),
  ];
}
