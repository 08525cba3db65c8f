import type { Database } from '#platform/db/database';
import { restated, type StateSnapshot } from '#platform/outbox/snapshot-replay';
import { tableSnapshot } from '#platform/outbox/table-snapshot';
import { eventsStating } from '../../domain/delivery.js';
import { toOutboxEvent } from '../messaging/delivery-event-mapper.js';
import { deliveries } from './delivery-schema.js';
import { fromRow } from './drizzle-delivery-repository.js';

/** Every delivery as DeliveryStarted (and DeliveryCompleted or DeliveryCancelled once ended), in primary-key order. */
export function deliverySnapshot(db: Database): StateSnapshot {
  return tableSnapshot(db, deliveries, deliveries.id, (row) => eventsStating(fromRow(row)).map((event) => restated(toOutboxEvent(event))));
}
