import { and, inArray, isNotNull, lt } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import type { InboxTable } from '../inbox/inbox-table.js';
import type { Logger } from '../logging/logger.js';
import type { OutboxTable } from '../outbox/outbox-table.js';

export interface RetentionOptions {
  db: Database;
  outbox?: OutboxTable;
  inbox?: InboxTable;
  /** Published outbox rows older than this go; 0 keeps them (they feed EventReplayService). */
  outboxRetentionMs: number;
  /**
   * Inbox rows older than this go; 0 keeps them. The price: an event redelivered after its row
   * went is applied again, so this must exceed any redelivery's age (retries, a DLQ redrive), and
   * every effect stays idempotent on its own key regardless (one reward per mission, one wallet
   * entry per reward, one notice per announcement).
   */
  inboxRetentionMs: number;
  /** Rows per DELETE: short statements, so no long lock and no long transaction. */
  batchSize: number;
  logger: Logger;
}

/** Keeps the outbox and inbox bounded: deletes rows past their window, a batch at a time. */
export class StorageRetention {
  constructor(private readonly options: RetentionOptions) {}

  async pruneOnce(now = new Date()): Promise<{ outbox: number; inbox: number }> {
    const { outbox, inbox, outboxRetentionMs, inboxRetentionMs } = this.options;
    const pruned = { outbox: 0, inbox: 0 };
    if (outbox && outboxRetentionMs > 0) {
      const cutoff = new Date(now.getTime() - outboxRetentionMs);
      pruned.outbox = await this.inBatches(async (db, size) => {
        const old = db
          .select({ seq: outbox.seq })
          .from(outbox)
          .where(and(isNotNull(outbox.publishedAt), lt(outbox.publishedAt, cutoff)))
          .limit(size);
        return (await db.delete(outbox).where(inArray(outbox.seq, old)).returning({ seq: outbox.seq })).length;
      });
    }
    if (inbox && inboxRetentionMs > 0) {
      const cutoff = new Date(now.getTime() - inboxRetentionMs);
      pruned.inbox = await this.inBatches(async (db, size) => {
        const old = db.select({ eventId: inbox.eventId }).from(inbox).where(lt(inbox.processedAt, cutoff)).limit(size);
        return (await db.delete(inbox).where(inArray(inbox.eventId, old)).returning({ eventId: inbox.eventId })).length;
      });
    }
    if (pruned.outbox + pruned.inbox > 0) this.options.logger.info('pruned old outbox and inbox rows', pruned);
    return pruned;
  }

  private async inBatches(deleteBatch: (db: Database, size: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await deleteBatch(this.options.db, this.options.batchSize);
      total += deleted;
      if (deleted < this.options.batchSize) return total;
    }
  }
}
