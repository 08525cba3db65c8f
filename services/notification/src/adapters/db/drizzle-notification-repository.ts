import { and, count, desc, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { TransactionScope } from '#platform/db/transaction-scope';
import type { NotificationState } from '../../domain/notification.js';
import type { NotificationPage, NotificationRepository } from '../../domain/notification-repository.js';
import { deliveries, giftNames, notifications } from './notification-schema.js';

type NotificationRow = typeof notifications.$inferSelect;

/** Notifications in Postgres; a new one is queued for sending (deliveries) in the same write. */
export class DrizzleNotificationRepository implements NotificationRepository {
  constructor(private readonly scope: TransactionScope) {}

  async add(notification: NotificationState, sourceEventId: string): Promise<boolean> {
    return this.scope.write(async (tx) => {
      const { id, customerId, kind, text, subjectId, createdAt } = notification;
      const inserted = await tx
        .insert(notifications)
        .values({ id, customerId, kind, text, subjectId, createdAt, sourceEventId })
        // Either the same event again or the same announcement under another event id.
        .onConflictDoNothing()
        .returning({ id: notifications.id });
      if (inserted.length === 0) return false;
      await tx.insert(deliveries).values({ notificationId: id, nextAttemptAt: createdAt });
      return true;
    });
  }

  async list(customerId: string, page: { size: number; before?: number }, unreadOnly: boolean): Promise<NotificationPage> {
    const rows = await this.scope.reader
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.customerId, customerId),
          unreadOnly ? isNull(notifications.readAt) : undefined,
          page.before === undefined ? undefined : lt(notifications.seq, page.before),
        ),
      )
      .orderBy(desc(notifications.seq))
      .limit(page.size + 1);
    const pageRows = rows.slice(0, page.size);
    return { notifications: pageRows.map(fromRow), nextBefore: rows.length > page.size ? pageRows[pageRows.length - 1].seq : undefined };
  }

  async unreadCount(customerId: string): Promise<number> {
    const [row] = await this.scope.reader
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.customerId, customerId), isNull(notifications.readAt)));
    return row.n;
  }

  async ownedIds(customerId: string, ids: readonly string[]): Promise<Set<string>> {
    const rows = await this.scope.reader
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.customerId, customerId), inArray(notifications.id, [...ids])));
    return new Set(rows.map((row) => row.id));
  }

  async markRead(customerId: string, ids: readonly string[] | undefined, at: Date): Promise<number> {
    return this.scope.write(async (tx) => {
      const marked = await tx
        .update(notifications)
        .set({ readAt: at })
        .where(
          and(
            eq(notifications.customerId, customerId),
            isNull(notifications.readAt),
            ids ? inArray(notifications.id, [...ids]) : undefined,
          ),
        )
        .returning({ id: notifications.id });
      return marked.length;
    });
  }

  async rememberGiftName(orderId: string, giftName: string): Promise<void> {
    await this.scope.write((tx) => tx.insert(giftNames).values({ orderId, giftName }).onConflictDoNothing());
  }

  async giftName(orderId: string): Promise<string | undefined> {
    const [row] = await this.scope.reader.select().from(giftNames).where(eq(giftNames.orderId, orderId));
    return row?.giftName;
  }
}

export function fromRow(row: NotificationRow): NotificationState {
  return {
    id: row.id,
    customerId: row.customerId,
    kind: row.kind,
    text: row.text,
    subjectId: row.subjectId,
    createdAt: row.createdAt,
    readAt: row.readAt ?? undefined,
  };
}
