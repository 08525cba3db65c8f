import type { Logger } from '#platform/logging/logger';
import type { NotificationState } from '../../domain/notification.js';
import type { NotificationChannel } from '../../domain/notification-channel.js';

/** The default channel: one log line per notice (where a deployment has no webhook yet). */
export class LogNotificationChannel implements NotificationChannel {
  readonly name = 'log';

  constructor(private readonly logger: Logger) {}

  async send(notification: NotificationState): Promise<void> {
    this.logger.info('notification', {
      notificationId: notification.id,
      customerId: notification.customerId,
      kind: notification.kind,
      text: notification.text,
    });
  }
}
