import type { Executor } from '../db/database.js';
import type { NewEvent } from '../events/event-type.js';
import type { OutboxTable } from './outbox-table.js';

/** Appends events to the outbox. Call it inside the transaction that makes the change they announce. */
export async function appendToOutbox(tx: Executor, table: OutboxTable, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(table).values(
    events.map((event) => ({
      eventId: event.id,
      eventType: event.type,
      routingKey: event.routingKey,
      aggregateId: event.aggregateId,
      payload: event.payload,
      occurredAt: event.occurredAt,
    })),
  );
}
