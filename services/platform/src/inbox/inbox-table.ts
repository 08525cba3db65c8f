import { sql } from 'drizzle-orm';
import { index, type PgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { type Executor, rowsOf } from '../db/database.js';

/**
 * The inbox: ids of the events a service has already applied. A row is written in the same
 * transaction as the event's effect, so a redelivered event finds its id and changes nothing.
 */
export function defineInboxTable(schema: PgSchema) {
  return schema.table(
    'inbox_events',
    {
      eventId: uuid('event_id').primaryKey(),
      eventType: text('event_type').notNull(),
      processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    },
    // StorageRetention prunes by age (INBOX_RETENTION_MS).
    (t) => [index('inbox_events_processed_at_idx').on(t.processedAt)],
  );
}

export type InboxTable = ReturnType<typeof defineInboxTable>;

/**
 * Records events as applied and returns the ids that were not there yet (the ones to apply).
 * The ids travel as one json parameter, so the statement's text is the same for any batch size
 * (it runs prepared) and costs the query builder one parameter, not two per event.
 */
export async function recordInInbox(
  tx: Executor,
  inbox: InboxTable,
  events: readonly { eventId: string; eventType: string }[],
): Promise<string[]> {
  const json = JSON.stringify(events.map(({ eventId, eventType }) => ({ event_id: eventId, event_type: eventType })));
  const result = await tx.execute(sql`insert into ${inbox} (event_id, event_type)
    select v.event_id, v.event_type from json_to_recordset(${json}::json) as v(event_id uuid, event_type text)
    on conflict do nothing
    returning event_id::text as event_id`);
  return rowsOf<{ event_id: string }>(result).map((row) => row.event_id);
}
