import { index, type PgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
