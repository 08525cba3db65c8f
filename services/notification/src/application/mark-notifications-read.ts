import type { Caller } from '#platform/auth/caller';
import { InvalidArgumentError } from '#platform/errors/domain-error';
import { requireCode, requireUuid } from '#platform/validation/request-fields';
import { NotificationNotFoundError } from '../domain/notification-errors.js';
import type { NotificationRepository } from '../domain/notification-repository.js';

const MAX_IDS = 500;

/**
 * Marks some of a customer's notifications read, or all of them when no ids are given. An id
 * that is not one of the customer's fails the call and nothing is marked; marking a read one
 * again changes nothing.
 */
export class MarkNotificationsRead {
  constructor(private readonly deps: { notifications: NotificationRepository; now: () => Date }) {}

  async execute(
    command: { customerId: string; notificationIds: readonly string[] },
    caller: Caller,
  ): Promise<{ marked: number; unreadCount: number }> {
    const customerId = requireCode('customer_id', command.customerId);
    caller.requireActsFor('customer_id', customerId);
    if (command.notificationIds.length > MAX_IDS) throw new InvalidArgumentError('notification_ids', `at most ${MAX_IDS} at once`);
    const ids = [...new Set(command.notificationIds.map((id) => requireUuid('notification_ids', id)))];
    const { notifications } = this.deps;
    if (ids.length > 0) {
      const owned = await notifications.ownedIds(customerId, ids);
      const foreign = ids.find((id) => !owned.has(id));
      if (foreign) throw new NotificationNotFoundError(foreign, customerId);
    }
    const marked = await notifications.markRead(customerId, ids.length > 0 ? ids : undefined, this.deps.now());
    return { marked, unreadCount: await notifications.unreadCount(customerId) };
  }
}
