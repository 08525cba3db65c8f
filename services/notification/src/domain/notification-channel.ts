import type { NotificationState } from './notification.js';

/**
 * Where notices are sent besides being kept for the customer (a log, a webhook, later mail or
 * push). Called after the notification is stored, never inside the consumer's transaction,
 * so a slow or dead channel delays sending and nothing else. Sending is at least once: a
 * receiver deduplicates on the notification id.
 */
export interface NotificationChannel {
  readonly name: string;
  /** Resolves once the channel took the notice; rejects to be tried again later. */
  send(notification: NotificationState): Promise<void>;
}

/** The channel refused this notice for good (trying again would get the same answer). */
export class NotificationRejectedError extends Error {
  override readonly name = 'NotificationRejectedError';
}
