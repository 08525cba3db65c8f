import { TransactionScope } from '#platform/db/transaction-scope';
import type { GiftStores, GiftUnitOfWork } from '../../domain/gift-unit-of-work.js';
import { DrizzleGiftOrderRepository } from './drizzle-gift-order-repository.js';
import { DrizzleGiftRepository } from './drizzle-gift-repository.js';

/** Both repositories on one transaction: the scope's own (a consumer's) or a new one per run. */
export class DrizzleGiftUnitOfWork implements GiftUnitOfWork {
  constructor(private readonly scope: TransactionScope) {}

  run<T>(work: (stores: GiftStores) => Promise<T>): Promise<T> {
    return this.scope.write((tx) => {
      const inTransaction = TransactionScope.transaction(tx);
      return work({ gifts: new DrizzleGiftRepository(inTransaction), orders: new DrizzleGiftOrderRepository(inTransaction) });
    });
  }
}
