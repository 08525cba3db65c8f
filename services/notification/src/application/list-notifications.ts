import type { Caller } from '#platform/auth/caller';
import { requireCode, requirePage } from '#platform/validation/request-fields';
import type { NotificationState } from '../domain/notification.js';
import type { NotificationRepository } from '../domain/notification-repository.js';

export interface NotificationList {
  readonly notifications: NotificationState[];
  readonly nextBefore?: number;
  readonly unreadCount: number;
}

/** A customer's notifications, newest first, a page at a time; optionally only the unread. */
export class ListNotifications {
  constructor(private readonly deps: { notifications: NotificationRepository }) {}

  async execute(
    query: { customerId: string; pageSize: number; pageToken: string; unreadOnly: boolean },
    caller: Caller,
  ): Promise<NotificationList> {
    const customerId = requireCode('customer_id', query.customerId);
    caller.requireActsFor('customer_id', customerId);
    const page = requirePage(query.pageSize, query.pageToken);
    const [result, unreadCount] = await Promise.all([
      this.deps.notifications.list(customerId, page, query.unreadOnly),
      this.deps.notifications.unreadCount(customerId),
    ]);
    return { ...result, unreadCount };
  }
}
