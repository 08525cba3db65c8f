import type { Delivery } from './delivery.js';

/**
 * Persistence port. Tombstones are stored and returned like any delivery (the domain tells
 * them apart). Writes store the delivery's pending events with the change, atomically.
 */
export interface DeliveryRepository {
  /** Stores a new delivery (or tombstone); false if its order already has one. */
  add(delivery: Delivery): Promise<boolean>;
  /** Loads the delivery locked for update, applies the change, stores it; undefined if absent. */
  update(deliveryId: string, change: (delivery: Delivery) => void): Promise<Delivery | undefined>;
  /** As update, for the delivery of a gift order. */
  updateByOrder(orderId: string, change: (delivery: Delivery) => void): Promise<Delivery | undefined>;
  findById(deliveryId: string): Promise<Delivery | undefined>;
  findByOrder(orderId: string): Promise<Delivery | undefined>;
}
