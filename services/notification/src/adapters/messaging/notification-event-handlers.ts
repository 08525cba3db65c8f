import {
  deliveryStarted,
  giftOrderCancelled,
  giftOrderDelivered,
  giftOrderPaid,
  giftOrderRejected,
  missionAchieved,
  rewardIssued,
  rewardReturned,
} from '#contracts/events';
import type { Transaction } from '#platform/db/database';
import type { EventType } from '#platform/events/event-type';
import { type EventHandler, handleEvents } from '#platform/inbox/event-consumer';
import type { RecordNotification, RecordNotificationCommand } from '../../application/record-notification.js';

type Notice = Omit<RecordNotificationCommand, 'sourceEventId' | 'createdAt'>;

/**
 * The events a customer hears about, each turned into a notice (protobuf in, command out).
 * A run of them is stored in the consumer's transaction at once; sending comes after the commit.
 */
export function notificationEventHandlers(recordIn: (tx: Transaction) => RecordNotification) {
  const on = <T>(event: EventType<T>, toNotice: (message: T) => Notice & { at: Date | undefined }): EventHandler<T> =>
    handleEvents(event, async (tx, events) => {
      await recordIn(tx).execute(
        events.map(({ message, envelope }) => {
          const { at, ...notice } = toNotice(message);
          return { ...notice, sourceEventId: envelope.id, createdAt: at ?? envelope.occurredAt };
        }),
      );
    });
  return [
    on(missionAchieved, (event) => ({
      kind: 'mission-achieved',
      customerId: event.customerId,
      subjectId: event.missionId,
      eventCode: event.eventCode,
      missionCode: event.missionCode,
      at: event.achievedAt,
    })),
    on(rewardIssued, (event) => ({ kind: 'reward-issued', customerId: event.customerId, subjectId: event.rewardId, at: event.issuedAt })),
    on(giftOrderPaid, (event) => ({
      kind: 'reward-exchanged',
      customerId: event.customerId,
      subjectId: event.orderId,
      orderId: event.orderId,
      giftName: event.giftName || undefined,
      at: event.paidAt,
    })),
    on(deliveryStarted, (event) => ({
      kind: 'delivery-started',
      customerId: event.customerId,
      subjectId: event.orderId,
      orderId: event.orderId,
      at: event.startedAt,
    })),
    on(giftOrderCancelled, (event) => ({
      kind: 'order-cancelled',
      customerId: event.customerId,
      subjectId: event.orderId,
      orderId: event.orderId,
      at: event.cancelledAt,
    })),
    on(giftOrderRejected, (event) => ({
      kind: 'order-rejected',
      customerId: event.customerId,
      subjectId: event.orderId,
      orderId: event.orderId,
      at: event.rejectedAt,
    })),
    on(giftOrderDelivered, (event) => ({
      kind: 'order-delivered',
      customerId: event.customerId,
      subjectId: event.orderId,
      orderId: event.orderId,
      at: event.deliveredAt,
    })),
    on(rewardReturned, (event) => ({
      kind: 'reward-returned',
      customerId: event.customerId,
      subjectId: event.rewardId,
      at: event.returnedAt,
    })),
  ];
}
