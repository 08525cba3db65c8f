import { deliveryCancelled, deliveryCompleted, deliveryStarted, exchangeAbandoned, rewardSpent } from '#contracts/events';
import type { Transaction } from '#platform/db/database';
import { handleEvent } from '#platform/inbox/event-consumer';
import { requireCode, requireUuid } from '#platform/validation/request-fields';
import type { CancelOrderDelivery } from '../../application/cancel-order-delivery.js';
import type { CompleteOrderDelivery } from '../../application/complete-order-delivery.js';
import type { PayGiftOrder } from '../../application/pay-gift-order.js';
import type { ReleaseAbandonedOrder } from '../../application/release-abandoned-order.js';
import type { StartOrderDelivery } from '../../application/start-order-delivery.js';

/** The use cases driven by events, each bound to the consumer's transaction. */
export interface GiftEventUseCases {
  payGiftOrder: PayGiftOrder;
  releaseAbandonedOrder: ReleaseAbandonedOrder;
  startOrderDelivery: StartOrderDelivery;
  cancelOrderDelivery: CancelOrderDelivery;
  completeOrderDelivery: CompleteOrderDelivery;
}

/**
 * Events the gift service consumes, each applied in the consumer's transaction. A malformed
 * field fails validation (INVALID_ARGUMENT), which the consumer dead-letters at once; an order
 * not found is retried, then dead-lettered.
 */
export function giftEventHandlers(useCasesIn: (tx: Transaction) => GiftEventUseCases) {
  return [
    handleEvent(rewardSpent, async (tx, event) => {
      await useCasesIn(tx).payGiftOrder.execute(exchangeOf(event));
    }),
    handleEvent(exchangeAbandoned, async (tx, event) => {
      await useCasesIn(tx).releaseAbandonedOrder.execute(exchangeOf(event));
    }),
    handleEvent(deliveryStarted, async (tx, event) => {
      await useCasesIn(tx).startOrderDelivery.execute(deliveryOf(event));
    }),
    handleEvent(deliveryCancelled, async (tx, event) => {
      await useCasesIn(tx).cancelOrderDelivery.execute(deliveryOf(event));
    }),
    handleEvent(deliveryCompleted, async (tx, event) => {
      await useCasesIn(tx).completeOrderDelivery.execute(deliveryOf(event));
    }),
  ];
}

function exchangeOf(event: { orderId: string; customerId: string; giftId: string; rewardId: string }) {
  return {
    orderId: requireUuid('order_id', event.orderId),
    customerId: requireCode('customer_id', event.customerId),
    giftId: requireCode('gift_id', event.giftId),
    rewardId: requireUuid('reward_id', event.rewardId),
  };
}

function deliveryOf(event: { orderId: string; deliveryId: string }) {
  return { orderId: requireUuid('order_id', event.orderId), deliveryId: requireUuid('delivery_id', event.deliveryId) };
}
