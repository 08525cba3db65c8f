import { and, count, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { rowsOf } from '#platform/db/database';
import type { TransactionScope } from '#platform/db/transaction-scope';
import type { NotificationState } from '../../domain/notification.js';
import type { NewNotification, NotificationPage, NotificationRepository } from '../../domain/notification-repository.js';
import { deliveries, giftNames, notifications } from './notification-schema.js';

type NotificationRow = typeof notifications.$inferSelect;

/** Notifications in Postgres; a new one is queued for sending (deliveries) in the same write. */
export class DrizzleNotificationRepository implements NotificationRepository {
  constructor(private readonly scope: TransactionScope) {}

  async addAll(notices: readonly NewNotification[]): Promise<number> {
    if (notices.length === 0) return 0;
    // The rows as one json parameter (one prepared statement for any run of events), in their
    // order (the storage order pages follow); the new ones queued for sending by the same
    // statement. No conflict target: either the same event again or the same announcement
    // under another event id.
    const json = JSON.stringify(
      notices.map(({ notification: n, sourceEventId }, ordinal) => ({
        ordinal,
        id: n.id,
        customer_id: n.customerId,
        kind: n.kind,
        text: n.text,
        subject_id: n.subjectId,
        created_at: n.createdAt.toISOString(),
        source_event_id: sourceEventId,
      })),
    );
    return this.scope.write(async (tx) => {
      const queued = rowsOf<{ id: string }>(
        await tx.execute(sql`with inserted as (
            insert into ${notifications} (notification_id, customer_id, kind, text, subject_id, created_at, source_event_id)
            select v.id, v.customer_id, v.kind::notification.notification_kind, v.text, v.subject_id, v.created_at, v.source_event_id
            from json_to_recordset(${json}::json) as v(ordinal int, id uuid, customer_id text, kind text, text text,
              subject_id uuid, created_at timestamptz, source_event_id uuid)
            order by v.ordinal
            on conflict do nothing
            returning notification_id, created_at)
          insert into ${deliveries} (notification_id, next_attempt_at)
          select notification_id, created_at from inserted
          returning notification_id::text as id`),
      );
      return queued.length;
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
