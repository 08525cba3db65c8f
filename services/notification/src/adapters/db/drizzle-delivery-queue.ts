import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { BuiltQuery, equalsAny, placeholder } from '#platform/db/built-query';
import type { Database } from '#platform/db/database';
import type { DeliveryQueue, DueNotification } from '../../domain/delivery-queue.js';
import { fromRow } from './drizzle-notification-repository.js';
import { deliveries, notifications } from './notification-schema.js';

/*
 * The dispatcher's statements, built once (see BuiltQuery); the ids of a group are one array
 * parameter (equalsAny), so each text is the same for any group and runs prepared.
 */
const CLAIM_DUE = new BuiltQuery('notification_claim_due', (executor) =>
  executor
    .update(deliveries)
    .set({ attempts: sql`${deliveries.attempts} + 1`, nextAttemptAt: placeholder('leasedUntil') })
    .where(
      inArray(
        deliveries.notificationId,
        executor
          .select({ id: deliveries.notificationId })
          .from(deliveries)
          .where(
            and(
              isNull(deliveries.sentAt),
              isNull(deliveries.failedAt),
              lte(deliveries.nextAttemptAt, placeholder('now', deliveries.nextAttemptAt)),
            ),
          )
          .orderBy(asc(deliveries.nextAttemptAt))
          .limit(sql.placeholder('limit'))
          .for('update', { skipLocked: true }),
      ),
    )
    .returning({ id: deliveries.notificationId, attempts: deliveries.attempts }),
);
const NOTIFICATIONS_BY_IDS = new BuiltQuery('notification_by_ids', (executor) =>
  executor.select().from(notifications).where(equalsAny(notifications.id, 'ids')),
);
const MARK_SENT = new BuiltQuery('notification_mark_sent', (executor) =>
  executor
    .update(deliveries)
    .set({ sentAt: placeholder('at'), lastError: null })
    .where(equalsAny(deliveries.notificationId, 'ids')),
);

/**
 * The delivery outbox in Postgres. Claiming pushes next_attempt_at past a lease in one short
 * transaction (rows locked by another replica's claim are skipped), so nothing is held open
 * while the channel is called.
 */
export class DrizzleDeliveryQueue implements DeliveryQueue {
  constructor(private readonly db: Database) {}

  async claimDue(limit: number, now: Date, leaseMs: number): Promise<DueNotification[]> {
    // One statement: atomic on its own, rows another replica's claim holds are skipped.
    const claimed = await CLAIM_DUE.run(this.db, { now, limit, leasedUntil: new Date(now.getTime() + leaseMs) });
    if (claimed.length === 0) return [];
    const attempts = new Map(claimed.map((row) => [row.id, row.attempts]));
    const rows = await NOTIFICATIONS_BY_IDS.run(this.db, { ids: [...attempts.keys()] });
    return rows.sort((a, b) => a.seq - b.seq).map((row) => ({ notification: fromRow(row), attempt: attempts.get(row.id) ?? 1 }));
  }

  async markSent(notificationIds: readonly string[], at: Date): Promise<void> {
    if (notificationIds.length === 0) return;
    await MARK_SENT.run(this.db, { ids: [...notificationIds], at });
  }

  async retryAt(notificationId: string, at: Date, error: string): Promise<void> {
    await this.db
      .update(deliveries)
      .set({ nextAttemptAt: at, lastError: error.slice(0, 500) })
      .where(eq(deliveries.notificationId, notificationId));
  }

  async markFailed(notificationId: string, at: Date, error: string): Promise<void> {
    await this.db
      .update(deliveries)
      .set({ failedAt: at, lastError: error.slice(0, 500) })
      .where(eq(deliveries.notificationId, notificationId));
  }
}
