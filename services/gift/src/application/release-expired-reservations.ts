import { StockOutOfStepError } from '../domain/gift-errors.js';
import type { GiftUnitOfWork } from '../domain/gift-unit-of-work.js';

/**
 * The background sweep: orders still reserved after reserved_until (the wallet never paid nor
 * abandoned them) are released and their units go back. Works in batches, one transaction
 * each; replicas sweeping at once skip each other's locked orders.
 */
export class ReleaseExpiredReservations {
  constructor(private readonly deps: { unitOfWork: GiftUnitOfWork; now: () => Date; batchSize?: number }) {}

  /** Returns how many orders were released. */
  async execute(): Promise<number> {
    const batchSize = this.deps.batchSize ?? 100;
    let released = 0;
    for (;;) {
      const count = await this.deps.unitOfWork.run(async ({ gifts, orders }) => {
        const at = this.deps.now();
        const expired = await orders.lockExpired(at, batchSize);
        const unitsByGift = new Map<string, number>();
        for (const order of expired) {
          if (order.release(at)) unitsByGift.set(order.state.giftId, (unitsByGift.get(order.state.giftId) ?? 0) + 1);
          await orders.save(order);
        }
        // One statement per gift, in a fixed order, so concurrent sweeps cannot deadlock on gifts.
        for (const giftId of [...unitsByGift.keys()].sort()) {
          const units = unitsByGift.get(giftId) ?? 0;
          if (!(await gifts.moveStock(giftId, 'release', units, at)))
            throw new StockOutOfStepError(giftId, 'release', `${units} expired orders`);
        }
        return expired.length;
      });
      released += count;
      if (count < batchSize) return released;
    }
  }
}
