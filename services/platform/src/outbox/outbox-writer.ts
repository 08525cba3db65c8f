import { type SQL, sql } from 'drizzle-orm';
import { type Executor, rowsOf } from '../db/database.js';
import type { NewEvent } from '../events/event-type.js';
import { activeTraceparent } from '../telemetry/trace-context.js';
import type { OutboxTable } from './outbox-table.js';

/** Appends events to the outbox. Call it inside the transaction that makes the change they announce. */
export async function appendToOutbox(tx: Executor, table: OutboxTable, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const traceparent = activeTraceparent() ?? null;
  await tx.insert(table).values(
    events.map((event) => ({
      eventId: event.id,
      eventType: event.type,
      routingKey: event.routingKey,
      aggregateId: event.aggregateId,
      payload: event.payload,
      occurredAt: event.occurredAt,
      traceparent: event.traceparent ?? traceparent,
    })),
  );
}

/**
 * Inserts a row and its events in ONE statement (a data-modifying CTE): one round trip
 * instead of BEGIN, INSERT, INSERT, COMMIT, and still atomic. The events are written only if
 * the insert stored a row (it may skip one with ON CONFLICT DO NOTHING). Returns whether it did.
 * `insert` must be an INSERT ... RETURNING statement.
 */
export async function insertWithEvents(executor: Executor, insert: SQL, table: OutboxTable, events: readonly NewEvent[]): Promise<boolean> {
  const traceparent = activeTraceparent() ?? null;
  const values = sql.join(
    events.map(
      (event) =>
        sql`(${event.id}::uuid, ${event.type}, ${event.routingKey}, ${event.aggregateId}, ${Buffer.from(event.payload)}::bytea, ${event.occurredAt.toISOString()}::timestamptz, ${event.traceparent ?? traceparent}::text)`,
    ),
    sql`, `,
  );
  const result = await executor.execute(sql`with stored as (${insert})
    insert into ${table} (event_id, event_type, routing_key, aggregate_id, payload, occurred_at, traceparent)
    select v.* from (values ${values}) as v(event_id, event_type, routing_key, aggregate_id, payload, occurred_at, traceparent)
    where exists (select 1 from stored)
    returning event_id`);
  return rowsOf(result).length > 0;
}
