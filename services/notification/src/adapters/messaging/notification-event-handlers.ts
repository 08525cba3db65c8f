import {
  deliveryStarted,
  giftOrderCancelled,
  giftOrderDelivered,
  giftOrderPaid,
  giftOrderRejected,
  missionAchieved,
  rewardIssued,
  rewardReturned,
} from '../../../../contracts/events.js';
import type { EventEnvelope } from '../../../../platform/src/bus/event-bus.js';
import type { Transaction } from '../../../../platform/src/db/database.js';
import type { EventType } from '../../../../platform/src/events/event-type.js';
import { type EventHandler, handleEvent } from '../../../../platform/src/inbox/event-consumer.js';
import type { RecordNotification, RecordNotificationCommand } from '../../application/record-notification.js';

type Notice = Omit<RecordNotificationCommand, 'sourceEventId' | 'createdAt'>;

/**
 * The events a customer hears about, each turned into a notice (protobuf in, command out).
 * The notification is stored in the consumer's transaction; sending comes after the commit.
 */
export function notificationEventHandlers(recordIn: (tx: Transaction) => RecordNotification) {
  const on = <T>(event: EventType<T>, toNotice: (message: T) => Notice & { at: Date | undefined }): EventHandler<T> =>
    handleEvent(event, async (tx, message, envelope: EventEnvelope) => {
      const { at, ...notice } = toNotice(message);
      await recordIn(tx).execute({ ...notice, sourceEventId: envelope.id, createdAt: at ?? envelope.occurredAt });
    });
  return [
    on(missionAchieved, (e) => ({ kind: 'mission-achieved', customerId: e.customerId, subjectId: e.missionId, eventCode: e.eventCode, missionCode: e.missionCode, at: e.achievedAt })),
    on(rewardIssued, (e) => ({ kind: 'reward-issued', customerId: e.customerId, subjectId: e.rewardId, at: e.issuedAt })),
    on(giftOrderPaid, (e) => ({ kind: 'reward-exchanged', customerId: e.customerId, subjectId: e.orderId, orderId: e.orderId, giftName: e.giftName || undefined, at: e.paidAt })),
    on(deliveryStarted, (e) => ({ kind: 'delivery-started', customerId: e.customerId, subjectId: e.orderId, orderId: e.orderId, at: e.startedAt })),
    on(giftOrderCancelled, (e) => ({ kind: 'order-cancelled', customerId: e.customerId, subjectId: e.orderId, orderId: e.orderId, at: e.cancelledAt })),
    on(giftOrderRejected, (e) => ({ kind: 'order-rejected', customerId: e.customerId, subjectId: e.orderId, orderId: e.orderId, at: e.rejectedAt })),
    on(giftOrderDelivered, (e) => ({ kind: 'order-delivered', customerId: e.customerId, subjectId: e.orderId, orderId: e.orderId, at: e.deliveredAt })),
    on(rewardReturned, (e) => ({ kind: 'reward-returned', customerId: e.customerId, subjectId: e.rewardId, at: e.returnedAt })),
  ];
}
