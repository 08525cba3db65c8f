import type { NotificationState } from './notification.js';

export interface NotificationPage {
  readonly notifications: NotificationState[];
  readonly nextBefore?: number;
}

/** A notification made from an event. */
export interface NewNotification {
  readonly notification: NotificationState;
  readonly sourceEventId: string;
}

/** Persistence port for the customer's notifications. */
export interface NotificationRepository {
  /**
   * Stores notifications made from events, each queued for sending, in one write; returns how
   * many were new (none for an event that already made one, or for the same announcement).
   */
  addAll(notices: readonly NewNotification[]): Promise<number>;
  /** Newest first, keyset-paged on the storage order. */
  list(customerId: string, page: { size: number; before?: number }, unreadOnly: boolean): Promise<NotificationPage>;
  unreadCount(customerId: string): Promise<number>;
  /** Which of the ids are this customer's notifications. */
  ownedIds(customerId: string, ids: readonly string[]): Promise<Set<string>>;
  /** Marks the unread ones among ids (all of the customer's if undefined) read; returns how many. */
  markRead(customerId: string, ids: readonly string[] | undefined, at: Date): Promise<number>;
  /** Gift names learnt from paid orders, to word the notices that follow. */
  rememberGiftName(orderId: string, giftName: string): Promise<void>;
  giftName(orderId: string): Promise<string | undefined>;
}
