import { type SQL, sql } from 'drizzle-orm';
import { type Executor, rowsOf } from '../db/database.js';
import type { NewEvent } from '../events/event-type.js';
import { causeTraceparent } from '../telemetry/event-tracing.js';
import { activeTraceparent } from '../telemetry/trace-context.js';
import type { OutboxTable } from './outbox-table.js';

/** An event to store with the row whose id it names (insertRowsWithEvents). */
export interface RowEvent {
  readonly rowId: string;
  readonly event: NewEvent;
}

/**
 * The events as ONE json parameter, read back by json_to_recordset (eventRecords). However many
 * events a batch holds, the statement's text stays the same (so it runs prepared) and the query
 * builder handles one parameter instead of seven per event: building a long VALUES list was a
 * tenth of the services' CPU under load. Payloads travel as hex.
 */
function eventRecordsJson(events: readonly RowEvent[], traceparent: string | null): string {
  return JSON.stringify(
    events.map(({ rowId, event }, ordinal) => ({
      ordinal,
      row_id: rowId,
      event_id: event.id,
      event_type: event.type,
      routing_key: event.routingKey,
      aggregate_id: event.aggregateId,
      payload: Buffer.from(event.payload).toString('hex'),
      occurred_at: event.occurredAt.toISOString(),
      // Inside a consumed batch, the trace of the event that caused it (so missions consumed
      // together keep their own traces), else the active one.
      traceparent: event.traceparent ?? causeTraceparent(event.payload) ?? traceparent,
    })),
  );
}

/** `select <outbox columns> from <the events>` as v (v.row_id names each event's row). */
function selectEvents(events: readonly RowEvent[]): SQL {
  const json = eventRecordsJson(events, activeTraceparent() ?? null);
  return sql`select v.event_id, v.event_type, v.routing_key, v.aggregate_id, decode(v.payload, 'hex'), v.occurred_at, v.traceparent
    from json_to_recordset(${json}::json) as v(ordinal int, row_id text, event_id uuid, event_type text, routing_key text,
      aggregate_id text, payload text, occurred_at timestamptz, traceparent text)`;
}

const OUTBOX_COLUMNS = sql.raw('(event_id, event_type, routing_key, aggregate_id, payload, occurred_at, traceparent)');

/** Appends events to the outbox. Call it inside the transaction that makes the change they announce. */
export async function appendToOutbox(tx: Executor, table: OutboxTable, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => ({ rowId: '', event }));
  await tx.execute(sql`insert into ${table} ${OUTBOX_COLUMNS} ${selectEvents(rows)} order by v.ordinal`);
}

/**
 * Inserts a row and its events in ONE statement (a data-modifying CTE): one round trip
 * instead of BEGIN, INSERT, INSERT, COMMIT, and still atomic. The events are written only if
 * the insert stored a row (it may skip one with ON CONFLICT DO NOTHING). Returns whether it did.
 * `insert` must be an INSERT ... RETURNING statement.
 */
export async function insertWithEvents(executor: Executor, insert: SQL, table: OutboxTable, events: readonly NewEvent[]): Promise<boolean> {
  const rows = events.map((event) => ({ rowId: '', event }));
  const result = await executor.execute(sql`with stored as (${insert})
    insert into ${table} ${OUTBOX_COLUMNS} ${selectEvents(rows)}
    where exists (select 1 from stored)
    order by v.ordinal
    returning event_id`);
  return rowsOf(result).length > 0;
}

/**
 * Many rows and their events in ONE statement (the group-commit form of insertWithEvents): each
 * event is written only if its row was stored, and the ids of the stored rows are returned.
 * `insert` must be an INSERT ... RETURNING id statement (id a uuid or text column). Events keep
 * their order in the outbox.
 */
export async function insertRowsWithEvents(
  executor: Executor,
  insert: SQL,
  table: OutboxTable,
  events: readonly RowEvent[],
): Promise<Set<string>> {
  if (events.length === 0) {
    const rows = rowsOf<{ id: string }>(await executor.execute(insert));
    return new Set(rows.map((row) => String(row.id)));
  }
  // A data-modifying CTE runs to completion whether or not the main query reads it.
  const result = await executor.execute(sql`with stored as (${insert}),
    events as (
      insert into ${table} ${OUTBOX_COLUMNS} ${selectEvents(events)}
      join stored on stored.id::text = v.row_id
      order by v.ordinal
      returning 1
    )
    select id::text as id from stored`);
  return new Set(rowsOf<{ id: string }>(result).map((row) => row.id));
}
