import { requireCode, requireUuid } from '#platform/validation/request-fields';
import { type NotificationKind, noticeText } from '../domain/notification.js';
import type { NotificationRepository } from '../domain/notification-repository.js';

export interface RecordNotificationCommand {
  /** The event it comes from: one notification per event, whatever is redelivered. */
  readonly sourceEventId: string;
  readonly customerId: string;
  readonly kind: NotificationKind;
  readonly subjectId: string;
  readonly createdAt: Date;
  readonly eventCode?: string;
  readonly missionCode?: string;
  /** The gift order concerned, if any: its gift's name words the notice. */
  readonly orderId?: string;
  /** Told by GiftOrderPaid; remembered for the order's later notices. */
  readonly giftName?: string;
}

/**
 * An event a customer should hear about: the notification is stored and queued for sending
 * in the consumer's transaction. Sending happens later (DispatchNotifications), so a channel
 * that is down never holds up the events.
 */
export class RecordNotification {
  constructor(private readonly deps: { notifications: NotificationRepository; newId: () => string }) {}

  async execute(command: RecordNotificationCommand): Promise<boolean> {
    const customerId = requireCode('customer_id', command.customerId);
    const subjectId = requireUuid('subject_id', command.subjectId);
    const orderId = command.orderId === undefined ? undefined : requireUuid('order_id', command.orderId);
    const { notifications } = this.deps;
    if (orderId && command.giftName) await notifications.rememberGiftName(orderId, command.giftName);
    const gift = command.giftName ?? (orderId ? await notifications.giftName(orderId) : undefined);
    const text = noticeText(command.kind, { eventCode: command.eventCode, missionCode: command.missionCode, gift });
    return notifications.add(
      { id: this.deps.newId(), customerId, kind: command.kind, text, subjectId, createdAt: command.createdAt },
      requireUuid('event_id', command.sourceEventId),
    );
  }
}
