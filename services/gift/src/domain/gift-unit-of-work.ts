import type { GiftOrderRepository } from './gift-order-repository.js';
import type { GiftRepository } from './gift-repository.js';

/** Both stores bound to one transaction. */
export interface GiftStores {
  readonly gifts: GiftRepository;
  readonly orders: GiftOrderRepository;
}

/**
 * Runs work that changes orders and stock together in one transaction: all of it commits, or
 * (when the work throws) none of it. Inside an event consumer it is the consumer's transaction.
 */
export interface GiftUnitOfWork {
  run<T>(work: (stores: GiftStores) => Promise<T>): Promise<T>;
}
