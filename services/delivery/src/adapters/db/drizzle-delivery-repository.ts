import { eq, type SQL } from 'drizzle-orm';
import type { TransactionScope } from '#platform/db/transaction-scope';
import { appendToOutbox } from '#platform/outbox/outbox-writer';
import { Delivery, type DeliveryState } from '../../domain/delivery.js';
import type { DeliveryRepository } from '../../domain/delivery-repository.js';
import { toOutboxEvent } from '../messaging/delivery-event-mapper.js';
import { deliveries, outboxEvents } from './delivery-schema.js';

type DeliveryRow = typeof deliveries.$inferSelect;

/** Deliveries in Postgres; every write stores the delivery's new events in the outbox with it. */
export class DrizzleDeliveryRepository implements DeliveryRepository {
  constructor(private readonly scope: TransactionScope) {}

  async add(delivery: Delivery): Promise<boolean> {
    return this.scope.write(async (tx) => {
      const inserted = await tx
        .insert(deliveries)
        .values(toRow(delivery.state))
        .onConflictDoNothing({ target: deliveries.orderId })
        .returning({ id: deliveries.id });
      if (inserted.length === 0) return false;
      await appendToOutbox(tx, outboxEvents, delivery.pullEvents().map(toOutboxEvent));
      return true;
    });
  }

  async update(deliveryId: string, change: (delivery: Delivery) => void): Promise<Delivery | undefined> {
    return this.updateWhere(eq(deliveries.id, deliveryId), change);
  }

  async updateByOrder(orderId: string, change: (delivery: Delivery) => void): Promise<Delivery | undefined> {
    return this.updateWhere(eq(deliveries.orderId, orderId), change);
  }

  async findById(deliveryId: string): Promise<Delivery | undefined> {
    const [row] = await this.scope.reader.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    return row ? Delivery.restore(fromRow(row)) : undefined;
  }

  async findByOrder(orderId: string): Promise<Delivery | undefined> {
    const [row] = await this.scope.reader.select().from(deliveries).where(eq(deliveries.orderId, orderId));
    return row ? Delivery.restore(fromRow(row)) : undefined;
  }

  private async updateWhere(where: SQL, change: (delivery: Delivery) => void): Promise<Delivery | undefined> {
    return this.scope.write(async (tx) => {
      const [row] = await tx.select().from(deliveries).where(where).for('update');
      if (!row) return undefined;
      const delivery = Delivery.restore(fromRow(row));
      change(delivery);
      const events = delivery.pullEvents();
      if (events.length === 0) return delivery;
      const { id, ...values } = toRow(delivery.state);
      await tx.update(deliveries).set(values).where(eq(deliveries.id, id));
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
