import type { NotificationState } from './notification.js';

export interface DueNotification {
  readonly notification: NotificationState;
  /** Attempts so far, this one included. */
  readonly attempt: number;
}

/**
 * The notifications still to be sent (a delivery outbox). A claimed one is leased: nobody else
 * claims it until the lease ends, so replicas never send the same one at once, and one whose
 * sender crashed is sent again after the lease.
 */
export interface DeliveryQueue {
  claimDue(limit: number, now: Date, leaseMs: number): Promise<DueNotification[]>;
  /** Marks every one of them sent, at once (one statement for a group the channel took). */
  markSent(notificationIds: readonly string[], at: Date): Promise<void>;
  retryAt(notificationId: string, at: Date, error: string): Promise<void>;
  /** Never to be sent (the channel refused it for good); it stays in the customer's list. */
  markFailed(notificationId: string, at: Date, error: string): Promise<void>;
}
