import type { Logger } from '#platform/logging/logger';
import type { DeliveryQueue, DueNotification } from '../domain/delivery-queue.js';
import { type NotificationChannel, NotificationRejectedError } from '../domain/notification-channel.js';

export interface DispatchSettings {
  /** Notifications claimed per round. */
  batchSize: number;
  /** Sent at once within a round. */
  concurrency: number;
  /** How long a claimed notification is left to its sender before anyone may claim it again. */
  leaseMs: number;
  /** The wait after a first failed attempt; doubled after each further one, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface DispatchResult {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * Sends what is due from the delivery queue through the channel: sent ones are marked,
 * failed ones come back after an exponential backoff (never dropped), ones the channel refuses
 * for good are marked failed. Runs in the background, after the notifications committed.
 */
export class DispatchNotifications {
  constructor(
    private readonly deps: {
      queue: DeliveryQueue;
      channel: NotificationChannel;
      now: () => Date;
      settings: DispatchSettings;
      logger: Logger;
    },
  ) {}

  async execute(): Promise<DispatchResult> {
    const { queue, settings } = this.deps;
    const result: DispatchResult = { sent: 0, retrying: 0, failed: 0 };
    for (;;) {
      const sentBefore = result.sent;
      const due = await queue.claimDue(settings.batchSize, this.deps.now(), settings.leaseMs);
      for (let i = 0; i < due.length; i += settings.concurrency) {
        const group = due.slice(i, i + settings.concurrency);
        const sent = await Promise.all(group.map((item) => this.sendOne(item, result)));
        // One statement for the group's successes, not a commit per notification (two a
        // mission). A crash before it leaves them leased: sent again after the lease, as any
        // at-least-once delivery may be.
        const sentIds = group.filter((_, at) => sent[at]).map((item) => item.notification.id);
        await queue.markSent(sentIds, this.deps.now());
        result.sent += sentIds.length;
      }
      // A round where nothing got through means the channel is down: leave the rest to backoff.
      if (due.length < settings.batchSize || result.sent === sentBefore) return result;
    }
  }

  /** Whether the channel took it; a refusal or a failure is recorded here. */
  private async sendOne(item: DueNotification, result: DispatchResult): Promise<boolean> {
    const { queue, channel, settings, logger } = this.deps;
    const { notification, attempt } = item;
    try {
      await channel.send(notification);
      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof NotificationRejectedError) {
        await queue.markFailed(notification.id, this.deps.now(), reason);
        result.failed += 1;
        logger.warn('notification refused by the channel for good', { channel: channel.name, notificationId: notification.id, reason });
        return false;
      }
      const delay = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(attempt - 1, 20));
      await queue.retryAt(notification.id, new Date(this.deps.now().getTime() + delay), reason);
      result.retrying += 1;
      if (attempt === 1 || attempt % 10 === 0)
        logger.warn('notification not sent; will retry', {
          channel: channel.name,
          notificationId: notification.id,
          attempt,
          delayMs: delay,
          reason,
        });
      return false;
    }
  }
}
