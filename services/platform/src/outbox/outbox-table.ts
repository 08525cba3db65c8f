import { sql } from 'drizzle-orm';
import { bigserial, index, type PgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../db/bytea.js';
import type { NewEvent } from '../events/event-type.js';

/**
 * The transactional outbox: every service writes its events here in the same transaction as
 * the state change they announce; the relay publishes them afterwards, in `seq` order.
 * Published rows are kept (published_at set) so history can be replayed to a new read model,
 * for OUTBOX_RETENTION_MS when that is set (StorageRetention prunes them by published_at).
 */
export function defineOutboxTable(schema: PgSchema) {
  return schema.table(
    'outbox_events',
    {
      seq: bigserial('seq', { mode: 'number' }).primaryKey(),
      eventId: uuid('event_id').notNull().unique(),
      eventType: text('event_type').notNull(),
      routingKey: text('routing_key').notNull(),
      aggregateId: text('aggregate_id').notNull(),
      payload: bytea('payload').notNull(),
      occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
      publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
      /**
       * W3C traceparent of the span that wrote the row: the relay publishes later, from its own
       * loop, and restores this context so the event's trace continues across the broker.
       */
      traceparent: text('traceparent'),
    },
    (t) => [
      index('outbox_events_unpublished_idx').on(t.seq).where(sql`published_at is null`),
      index('outbox_events_published_at_idx').on(t.publishedAt).where(sql`published_at is not null`),
    ],
  );
}

export type OutboxTable = ReturnType<typeof defineOutboxTable>;

/** The event an outbox row holds, as the bus sends it (without the trace the row stored). */
export function eventOfRow(row: OutboxTable['$inferSelect']): NewEvent {
  return {
    id: row.eventId,
    type: row.eventType,
    routingKey: row.routingKey,
    aggregateId: row.aggregateId,
    occurredAt: row.occurredAt,
    payload: row.payload,
  };
}
