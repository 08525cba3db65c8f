import type { Database } from '#platform/db/database';
import { restated, type StateSnapshot } from '#platform/outbox/snapshot-replay';
import { tableSnapshot } from '#platform/outbox/table-snapshot';
import { eventsStating } from '../../domain/gift-order.js';
import { toOutboxEvent } from '../messaging/gift-event-mapper.js';
import { fromRow as orderFromRow } from './drizzle-gift-order-repository.js';
import { fromRow as giftFromRow } from './drizzle-gift-repository.js';
import { giftOrders, gifts } from './gift-schema.js';

/** Every gift order as the events its state tells (paid, rejected, cancelled, delivered), in primary-key order. */
export function giftOrderSnapshot(db: Database): StateSnapshot {
  return tableSnapshot(db, giftOrders, giftOrders.id, (row) =>
    eventsStating(orderFromRow(row)).map((event) => restated(toOutboxEvent(event))),
  );
}

/**
 * Every gift's stock as one GiftStockChanged, in primary-key order. Stock moves on, so the
 * fact stated is the stock as of the gift's last change (that time is in its id).
 */
export function giftStockSnapshot(db: Database): StateSnapshot {
  return tableSnapshot(db, gifts, gifts.id, (row) => [
    restated(toOutboxEvent({ type: 'gift-stock-changed', gift: giftFromRow(row) }), `${row.id}@${row.updatedAt.toISOString()}`),
  ]);
}
