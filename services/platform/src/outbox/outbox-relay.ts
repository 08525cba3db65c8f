import { asc, isNull, sql } from 'drizzle-orm';
import type { EventBus } from '../bus/event-bus.js';
import { BuiltQuery, equalsAny } from '../db/built-query.js';
import type { Database } from '../db/database.js';
import { settledWithin, TRANSACTION_DEADLINE_MS } from '../db/transaction-deadline.js';
import type { Logger } from '../logging/logger.js';
import { tallyBy } from '../metrics/batch-tally.js';
import { countBusinessFact } from '../metrics/business-metrics.js';
import { metricsEnabled } from '../metrics/metrics-registry.js';
import { eventsPublished } from '../metrics/platform-metrics.js';
import { tracePublish } from '../telemetry/event-tracing.js';
import { eventOfRow, type OutboxTable } from './outbox-table.js';

export interface OutboxRelayOptions {
  db: Database;
  bus: EventBus;
  table: OutboxTable;
  /** Names the advisory lock: one relay per service publishes at a time, across replicas. */
  serviceName: string;
  batchSize: number;
  pollMs: number;
  logger: Logger;
}

const LOCK_BUSY_RETRY_MS = 25;
const MAX_BACKOFF_MS = 5000;

/**
 * Publishes what services wrote to their outbox. A batch is read, published, confirmed by the
 * broker and marked published inside one transaction that holds a per-service advisory lock,
 * so replicas never publish the same rows concurrently and events leave in commit order.
 *
 * Latency: a service calls wake() after each commit, so a quiet system publishes at once;
 * under load each pass takes everything waiting (up to batchSize) for one confirm round trip.
 * Polling (pollMs) picks up rows another replica or a crashed process left behind.
 */
export class OutboxRelay {
  private running?: Promise<void>;
  private stopped = true;
  private woken = false;
  private sleeper?: { resolve: () => void; timer: NodeJS.Timeout };
  private failures = 0;
  private readonly lockKey: number;
  private readonly tryLock: BuiltQuery<{ locked: boolean }[]>;
  private readonly unpublished: BuiltQuery<OutboxTable['$inferSelect'][]>;
  private readonly markPublished: BuiltQuery<unknown>;

  constructor(private readonly options: OutboxRelayOptions) {
    this.lockKey = hashLockKey(`outbox:${options.serviceName}`);
    const { table, serviceName } = options;
    this.tryLock = new BuiltQuery(`${serviceName}_outbox_try_lock`, (executor) =>
      executor.select({ locked: sql<boolean>`pg_try_advisory_xact_lock(${sql.placeholder('key')}::bigint)` }).from(sql`(select 1) as one`),
    );
    this.unpublished = new BuiltQuery(`${serviceName}_outbox_unpublished`, (executor) =>
      executor.select().from(table).where(isNull(table.publishedAt)).orderBy(asc(table.seq)).limit(sql.placeholder('limit')),
    );
    // The seqs as one array parameter, looked up in the primary key. A set-returning function
    // here (json_array_elements) had the planner guess 100 rows and hash-join them against a
    // sequential scan of the whole outbox, published rows included, on every batch: as deployed
    // these marks (one per service) were together the costliest statements Postgres ran
    // (auto_explain; docs/performance.md, test/platform/batch-statement-plans.test.ts).
    this.markPublished = new BuiltQuery(`${serviceName}_outbox_mark_published`, (executor) =>
      executor.update(table).set({ publishedAt: sql`clock_timestamp()` }).where(equalsAny(table.seq, 'seqs')),
    );
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.interruptSleep();
    await this.running;
  }

  /** Something was committed to the outbox: publish now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.interruptSleep();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      let published: number | 'locked';
      try {
        published = await this.publishBatch();
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        if (this.failures === 1 || this.failures % 20 === 0)
          this.options.logger.warn('outbox relay failed; will retry', { error, failures: this.failures });
        await this.sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(this.failures, 7)));
        continue;
      }
      if (published === this.options.batchSize || this.woken) continue;
      await this.sleep(published === 'locked' ? LOCK_BUSY_RETRY_MS : this.options.pollMs);
    }
  }

  /** Returns how many rows it published, or 'locked' when another replica holds the lock. */
  private async publishBatch(): Promise<number | 'locked'> {
    const { db, bus, batchSize } = this.options;
    const published = db.transaction(async (tx) => {
      // The lock and the read in one round trip: sent together on the transaction's connection
      // (both BuiltQuery runs, so they reach Postgres in this order), and Postgres runs the read
      // after the lock statement, on a snapshot taken once the lock is held. Read without the
      // lock, the rows are dropped.
      const [[lock], rows] = await Promise.all([
        this.tryLock.run(tx, { key: this.lockKey }),
        this.unpublished.run(tx, { limit: batchSize }),
      ]);
      if (!lock?.locked) return 'locked';
      if (rows.length === 0) return 0;
      const events = rows.map((row) => ({ ...eventOfRow(row), traceparent: row.traceparent ?? undefined }));
      const publishing = tracePublish(this.options.serviceName, events);
      try {
        await bus.publish(events);
        publishing.end();
      } catch (error) {
        publishing.end(error);
        throw error;
      }
      await this.markPublished.run(tx, { seqs: rows.map((row) => row.seq) });
      if (metricsEnabled()) {
        // One inc per event type in the batch (see tallyBy).
        for (const { first, count } of tallyBy(rows, (row) => `${row.eventType} ${row.routingKey}`).values()) {
          eventsPublished.inc({ service: this.options.serviceName, event_type: first.eventType }, count);
          countBusinessFact(first.routingKey, count);
        }
      }
      return rows.length;
    });
    return settledWithin(published, TRANSACTION_DEADLINE_MS, `the ${this.options.serviceName} outbox relay's transaction`);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeper = undefined;
        resolve();
      }, ms);
      this.sleeper = { resolve, timer };
    });
  }

  private interruptSleep(): void {
    if (!this.sleeper) return;
    clearTimeout(this.sleeper.timer);
    this.sleeper.resolve();
    this.sleeper = undefined;
  }
}

/** A stable 32-bit key for pg advisory locks. */
function hashLockKey(name: string): number {
  let hash = 0;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}
