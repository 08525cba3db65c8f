import type { NotificationState } from './notification.js';

export interface NotificationPage {
  readonly notifications: NotificationState[];
  readonly nextBefore?: number;
}

/** Persistence port for the customer's notifications. */
export interface NotificationRepository {
  /**
   * Stores a notification made from an event, queued for sending in the same write; false if
   * that event already made one.
   */
  add(notification: NotificationState, sourceEventId: string): Promise<boolean>;
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
