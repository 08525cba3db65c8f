import { requireCode, requireUuid } from '#platform/validation/request-fields';
import { type NotificationKind, noticeText } from '../domain/notification.js';
import type { NewNotification, NotificationRepository } from '../domain/notification-repository.js';

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
 * Events a customer should hear about (a run of them, as the consumer hands them over): the
 * notifications are stored and queued for sending in the consumer's transaction, all in one
 * write. Sending happens later (DispatchNotifications), so a channel that is down never holds up
 * the events.
 */
export class RecordNotification {
  constructor(private readonly deps: { notifications: NotificationRepository; newId: () => string }) {}

  /** How many were new (an event that already made one makes none). */
  async execute(commands: readonly RecordNotificationCommand[]): Promise<number> {
    const notices: NewNotification[] = [];
    for (const command of commands) notices.push(await this.notice(command));
    return this.deps.notifications.addAll(notices);
  }

  private async notice(command: RecordNotificationCommand): Promise<NewNotification> {
    const customerId = requireCode('customer_id', command.customerId);
    const subjectId = requireUuid('subject_id', command.subjectId);
    const orderId = command.orderId === undefined ? undefined : requireUuid('order_id', command.orderId);
    const { notifications } = this.deps;
    if (orderId && command.giftName) await notifications.rememberGiftName(orderId, command.giftName);
    const gift = command.giftName ?? (orderId ? await notifications.giftName(orderId) : undefined);
    const text = noticeText(command.kind, { eventCode: command.eventCode, missionCode: command.missionCode, gift });
    return {
      notification: { id: this.deps.newId(), customerId, kind: command.kind, text, subjectId, createdAt: command.createdAt },
      sourceEventId: requireUuid('event_id', command.sourceEventId),
    };
  }
}
