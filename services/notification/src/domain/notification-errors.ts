import { NotFoundError } from '../../../platform/src/errors/domain-error.js';

export class NotificationNotFoundError extends NotFoundError {
  constructor(notificationId: string, customerId: string) {
    super('NOTIFICATION_NOT_FOUND', `customer ${customerId} has no notification ${notificationId}`);
  }
}
