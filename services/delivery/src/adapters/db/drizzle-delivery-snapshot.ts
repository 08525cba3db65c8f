import { asc, gt } from 'drizzle-orm';
import type { Database } from '#platform/db/database';
import { restated, type StateSnapshot, snapshotPage } from '#platform/outbox/snapshot-replay';
import { eventsStating } from '../../domain/delivery.js';
import { toOutboxEvent } from '../messaging/delivery-event-mapper.js';
import { deliveries } from './delivery-schema.js';
import { fromRow } from './drizzle-delivery-repository.js';

/** Every delivery as DeliveryStarted (and DeliveryCompleted or DeliveryCancelled once ended), in primary-key order. */
export function deliverySnapshot(db: Database): StateSnapshot {
  return {
    async page(after, limit) {
      const rows = await db
        .select()
        .from(deliveries)
        .where(after === undefined ? undefined : gt(deliveries.id, after))
        .orderBy(asc(deliveries.id))
        .limit(limit);
      return snapshotPage(
        rows,
        limit,
        (row) => row.id,
        (row) => eventsStating(fromRow(row)).map((event) => restated(toOutboxEvent(event))),
      );
    },
  };
}
