import { deliveryCancelled, deliveryCompleted, deliveryStarted } from '#contracts/events';
import { type NewEvent, newEvent } from '#platform/events/event-type';
import type { DeliveryEvent } from '../../domain/delivery.js';

/**
 * Domain events to the protobuf messages of proto/game/delivery/v1/delivery_events.proto.
 * The aggregate id of every delivery event is the delivery id (the order id is in each payload).
 */
export function toOutboxEvent(event: DeliveryEvent): NewEvent {
  const { delivery } = event;
  const subject = { deliveryId: delivery.id, orderId: delivery.orderId, customerId: delivery.customerId, giftId: delivery.giftId };
  switch (event.type) {
    case 'delivery-started':
      return newEvent(deliveryStarted, { ...subject, startedAt: delivery.startedAt }, delivery.id, delivery.updatedAt);
    case 'delivery-cancelled':
      return newEvent(deliveryCancelled, { ...subject, cancelledAt: delivery.updatedAt }, delivery.id, delivery.updatedAt);
    case 'delivery-completed':
      return newEvent(deliveryCompleted, { ...subject, completedAt: delivery.updatedAt }, delivery.id, delivery.updatedAt);
  }
}
