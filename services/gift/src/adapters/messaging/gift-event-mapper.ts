import { giftOrderCancelled, giftOrderDelivered, giftOrderPaid, giftOrderRejected, giftStockChanged } from '#contracts/events';
import { type NewEvent, newEvent } from '#platform/events/event-type';
import { availableCount, type GiftEvent } from '../../domain/gift.js';
import type { GiftOrderEvent } from '../../domain/gift-order.js';

/** Domain events to the protobuf messages of proto/game/gift/v1/gift_events.proto. */
export function toOutboxEvent(event: GiftEvent | GiftOrderEvent): NewEvent {
  switch (event.type) {
    case 'gift-stock-changed': {
      const { gift } = event;
      return newEvent(
        giftStockChanged,
        {
          giftId: gift.id,
          name: gift.name,
          stockCount: gift.stockCount,
          reservedCount: gift.reservedCount,
          availableCount: availableCount(gift),
          changedAt: gift.updatedAt,
        },
        gift.id,
        gift.updatedAt,
      );
    }
    case 'gift-order-paid': {
      const { order } = event;
      return newEvent(
        giftOrderPaid,
        {
          orderId: order.id,
          customerId: order.customerId,
          giftId: order.giftId,
          giftName: order.giftName,
          rewardId: order.rewardId,
          paidAt: order.paidAt ?? order.updatedAt,
        },
        order.id,
        order.paidAt ?? order.updatedAt,
      );
    }
    case 'gift-order-cancelled': {
      const { order } = event;
      return newEvent(
        giftOrderCancelled,
        {
          orderId: order.id,
          customerId: order.customerId,
          giftId: order.giftId,
          rewardId: order.rewardId,
          cancelledAt: order.cancelledAt ?? order.updatedAt,
        },
        order.id,
        order.cancelledAt ?? order.updatedAt,
      );
    }
    case 'gift-order-rejected': {
      const { order } = event;
      return newEvent(
        giftOrderRejected,
        {
          orderId: order.id,
          customerId: order.customerId,
          giftId: order.giftId,
          rewardId: order.rewardId,
          reason: event.reason,
          rejectedAt: order.rejectedAt ?? order.updatedAt,
        },
        order.id,
        order.rejectedAt ?? order.updatedAt,
      );
    }
    case 'gift-order-delivered': {
      const { order } = event;
      return newEvent(
        giftOrderDelivered,
        { orderId: order.id, customerId: order.customerId, giftId: order.giftId, deliveredAt: order.deliveredAt ?? order.updatedAt },
        order.id,
        order.deliveredAt ?? order.updatedAt,
      );
    }
  }
}
