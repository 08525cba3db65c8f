import type { GiftOrder } from './gift-order.js';

export interface GiftOrderPage {
  readonly orders: GiftOrder[];
  /** Pass back as `before` for the next page; undefined on the last page. */
  readonly nextBefore?: number;
}

/** Persistence port for gift orders. Writes store the order's pending events with the change. */
export interface GiftOrderRepository {
  /** Stores a new order; false if the id exists already (then nothing is written). */
  add(order: GiftOrder): Promise<boolean>;
  /** Loads the order locked for update until the transaction ends; undefined if absent. */
  lock(orderId: string): Promise<GiftOrder | undefined>;
  /**
   * Locks up to `limit` orders still reserved after their reserved_until has passed `now`,
   * skipping any another transaction holds (replicas sweeping at once take different orders).
   */
  lockExpired(now: Date, limit: number): Promise<GiftOrder[]>;
  /** Writes the order's changes, if it has any, and its pending events. */
  save(order: GiftOrder): Promise<void>;
  findById(orderId: string): Promise<GiftOrder | undefined>;
  /** A customer's orders, newest first. */
  listByCustomer(customerId: string, page: { size: number; before?: number }): Promise<GiftOrderPage>;
}
