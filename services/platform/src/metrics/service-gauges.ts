import { isNull, sql } from 'drizzle-orm';
import type { EventBus } from '../bus/event-bus.js';
import { type DatabaseHandle, rowsOf } from '../db/database.js';
import type { OutboxTable } from '../outbox/outbox-table.js';
import { scrapedGauge } from './platform-metrics.js';

const outboxPending = scrapedGauge('outbox_pending_events', 'Outbox rows not yet published.', ['service']);
const outboxOldestAge = scrapedGauge('outbox_oldest_pending_age_seconds', 'Age of the oldest unpublished outbox row (0 when none).', [
  'service',
]);
const queueMessages = scrapedGauge('event_queue_messages', "Events waiting in the service's queue.", ['service']);
const queueConsumers = scrapedGauge('event_queue_consumers', "Consumers attached to the service's queue (all replicas).", ['service']);
const deadLetters = scrapedGauge('event_dead_letter_messages', "Events parked in the service's dead-letter queue.", ['service']);
const dbConnections = scrapedGauge(
  'db_pool_connections',
  "The service's database connections, by state (pg_stat_activity, all replicas).",
  ['service', 'state'],
);
const dbPoolMax = scrapedGauge('db_pool_max_connections', 'Connections one replica may open (the pool size).', ['service']);

/**
 * Scrape-time gauges for one running service; each is read when Prometheus scrapes, so it costs
 * nothing between scrapes. Returns the function that stops reporting them (service stop).
 */
export function registerServiceGauges(options: {
  service: string;
  database: DatabaseHandle;
  poolSize: number;
  bus: EventBus;
  outbox?: OutboxTable;
  queue?: string;
}): () => void {
  const { service, database, bus, outbox, queue } = options;
  const removers: (() => void)[] = [];
  if (outbox) {
    // One query feeds both gauges per scrape (the partial index on unpublished rows keeps it cheap).
    const read = oncePerScrape(() =>
      database.db
        .select({ n: sql<string>`count(*)`, age: sql<string | null>`extract(epoch from now() - min(${outbox.occurredAt}))` })
        .from(outbox)
        .where(isNull(outbox.publishedAt))
        .then(([row]) => ({ n: Number(row?.n ?? 0), age: Math.max(0, Number(row?.age ?? 0)) })),
    );
    removers.push(outboxPending.add(async (gauge) => gauge.set({ service }, (await read()).n)));
    removers.push(outboxOldestAge.add(async (gauge) => gauge.set({ service }, (await read()).age)));
  }
  if (queue && bus.queueStats) {
    const read = oncePerScrape(async () => bus.queueStats?.(queue));
    const report = (gauge: Parameters<Parameters<typeof queueMessages.add>[0]>[0], value?: number) => {
      if (value !== undefined) gauge.set({ service }, value);
    };
    removers.push(queueMessages.add(async (gauge) => report(gauge, (await read())?.messages)));
    removers.push(queueConsumers.add(async (gauge) => report(gauge, (await read())?.consumers)));
    removers.push(deadLetters.add(async (gauge) => report(gauge, (await read())?.deadLetters)));
  }
  if (database.kind === 'postgres') {
    removers.push(dbPoolMax.add(async (gauge) => gauge.set({ service }, options.poolSize)));
    removers.push(
      dbConnections.add(async (gauge) => {
        const rows = rowsOf<{ state: string | null; n: string }>(
          await database.db.execute(
            sql`select state, count(*) as n from pg_stat_activity where application_name = ${service} group by state`,
          ),
        );
        for (const row of rows) gauge.set({ service, state: row.state ?? 'unknown' }, Number(row.n));
      }),
    );
  }
  return () => {
    for (const remove of removers) remove();
  };
}

/** Shares one read among the gauges of a scrape (they are collected together), then forgets it. */
function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  return () => {
    current ??= read().finally(() => setTimeout(() => (current = undefined), 50));
    return current;
  };
}
