import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Database } from '#platform/db/database';
import type { DeliveryQueue, DueNotification } from '../../domain/delivery-queue.js';
import { fromRow } from './drizzle-notification-repository.js';
import { deliveries, notifications } from './notification-schema.js';

/**
 * The delivery outbox in Postgres. Claiming pushes next_attempt_at past a lease in one short
 * transaction (rows locked by another replica's claim are skipped), so nothing is held open
 * while the channel is called.
 */
export class DrizzleDeliveryQueue implements DeliveryQueue {
  constructor(private readonly db: Database) {}

  async claimDue(limit: number, now: Date, leaseMs: number): Promise<DueNotification[]> {
    const claimed = await this.db.transaction(async (tx) => {
      const due = tx
        .select({ id: deliveries.notificationId })
        .from(deliveries)
        .where(and(isNull(deliveries.sentAt), isNull(deliveries.failedAt), lte(deliveries.nextAttemptAt, now)))
        .orderBy(asc(deliveries.nextAttemptAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      return tx
        .update(deliveries)
        .set({ attempts: sql`${deliveries.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + leaseMs) })
        .where(inArray(deliveries.notificationId, due))
        .returning({ id: deliveries.notificationId, attempts: deliveries.attempts });
    });
    if (claimed.length === 0) return [];
    const attempts = new Map(claimed.map((row) => [row.id, row.attempts]));
    const rows = await this.db
      .select()
      .from(notifications)
      .where(inArray(notifications.id, [...attempts.keys()]));
    return rows.sort((a, b) => a.seq - b.seq).map((row) => ({ notification: fromRow(row), attempt: attempts.get(row.id) ?? 1 }));
  }

  async markSent(notificationIds: readonly string[], at: Date): Promise<void> {
    if (notificationIds.length === 0) return;
    await this.db
      .update(deliveries)
      .set({ sentAt: at, lastError: null })
      .where(inArray(deliveries.notificationId, [...notificationIds]));
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
