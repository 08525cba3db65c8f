import { NotFoundError } from '#platform/errors/domain-error';

export class NotificationNotFoundError extends NotFoundError {
  constructor(notificationId: string, customerId: string) {
    super('NOTIFICATION_NOT_FOUND', `customer ${customerId} has no notification ${notificationId}`);
  }
}
