import { eq, sql } from 'drizzle-orm';
import { BuiltQuery, placeholders } from '#platform/db/built-query';
import type { TransactionScope } from '#platform/db/transaction-scope';
import { appendToOutbox } from '#platform/outbox/outbox-writer';
import { Delivery, type DeliveryState } from '../../domain/delivery.js';
import type { DeliveryRepository } from '../../domain/delivery-repository.js';
import { toOutboxEvent } from '../messaging/delivery-event-mapper.js';
import { deliveries, outboxEvents } from './delivery-schema.js';

type DeliveryRow = typeof deliveries.$inferSelect;

/** Every column a delivery's save sets: all but its id. */
const DELIVERY_CHANGES = placeholders('orderId', 'customerId', 'giftId', 'status', 'startedAt', 'updatedAt');

/** The statements every paid order runs (its delivery added, then started and saved), built once (see BuiltQuery). */
const ADD_DELIVERY = new BuiltQuery('delivery_add', (executor) =>
  executor
    .insert(deliveries)
    .values({ id: sql.placeholder('id'), ...DELIVERY_CHANGES })
    .onConflictDoNothing({ target: deliveries.orderId })
    .returning({ id: deliveries.id }),
);
const LOCK_BY = {
  id: new BuiltQuery('delivery_lock_by_id', (executor) =>
    executor
      .select()
      .from(deliveries)
      .where(eq(deliveries.id, sql.placeholder('key')))
      .for('update'),
  ),
  orderId: new BuiltQuery('delivery_lock_by_order', (executor) =>
    executor
      .select()
      .from(deliveries)
      .where(eq(deliveries.orderId, sql.placeholder('key')))
      .for('update'),
  ),
};
const SAVE_DELIVERY = new BuiltQuery('delivery_save', (executor) =>
  executor
    .update(deliveries)
    .set(DELIVERY_CHANGES)
    .where(eq(deliveries.id, sql.placeholder('id'))),
);

/** Deliveries in Postgres; every write stores the delivery's new events in the outbox with it. */
export class DrizzleDeliveryRepository implements DeliveryRepository {
  constructor(private readonly scope: TransactionScope) {}

  async add(delivery: Delivery): Promise<boolean> {
    return this.scope.write(async (tx) => {
      const inserted = await ADD_DELIVERY.run(tx, toRow(delivery.state));
      if (inserted.length === 0) return false;
      await appendToOutbox(tx, outboxEvents, delivery.pullEvents().map(toOutboxEvent));
      return true;
    });
  }

  async update(deliveryId: string, change: (delivery: Delivery) => void): Promise<Delivery | undefined> {
    return this.updateWhere('id', deliveryId, change);
  }

  async updateByOrder(orderId: string, change: (delivery: Delivery) => void): Promise<Delivery | undefined> {
    return this.updateWhere('orderId', orderId, change);
  }

  async findById(deliveryId: string): Promise<Delivery | undefined> {
    const [row] = await this.scope.reader.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    return row ? Delivery.restore(fromRow(row)) : undefined;
  }

  async findByOrder(orderId: string): Promise<Delivery | undefined> {
    const [row] = await this.scope.reader.select().from(deliveries).where(eq(deliveries.orderId, orderId));
    return row ? Delivery.restore(fromRow(row)) : undefined;
  }

  private async updateWhere(by: keyof typeof LOCK_BY, key: string, change: (delivery: Delivery) => void): Promise<Delivery | undefined> {
    return this.scope.write(async (tx) => {
      const [row] = await LOCK_BY[by].run(tx, { key });
      if (!row) return undefined;
      const delivery = Delivery.restore(fromRow(row));
      change(delivery);
      const events = delivery.pullEvents();
      if (events.length === 0) return delivery;
      await SAVE_DELIVERY.run(tx, toRow(delivery.state));
      await appendToOutbox(tx, outboxEvents, events.map(toOutboxEvent));
      return delivery;
    });
  }
}

function toRow(state: DeliveryState): typeof deliveries.$inferInsert {
  return {
    id: state.id,
    orderId: state.orderId,
    customerId: state.customerId,
    giftId: state.giftId,
    status: state.status,
    startedAt: state.startedAt ?? null,
    updatedAt: state.updatedAt,
  };
}

export function fromRow(row: DeliveryRow): DeliveryState {
  return {
    id: row.id,
    orderId: row.orderId,
    customerId: row.customerId,
    giftId: row.giftId,
    status: row.status,
    startedAt: row.startedAt ?? undefined,
    updatedAt: row.updatedAt,
  };
}
