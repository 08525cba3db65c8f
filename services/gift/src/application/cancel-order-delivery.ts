import { GiftOrderNotFoundError } from '../domain/gift-errors.js';
import type { GiftUnitOfWork } from '../domain/gift-unit-of-work.js';
import { applyStockMove } from './apply-stock-move.js';
import type { OrderDeliveryCommand } from './start-order-delivery.js';

/** The delivery was cancelled (delivery.cancelled): a unit that had left the shelf is back. */
export class CancelOrderDelivery {
  constructor(private readonly deps: { unitOfWork: GiftUnitOfWork; now: () => Date }) {}

  async execute(command: OrderDeliveryCommand): Promise<void> {
    const at = this.deps.now();
    await this.deps.unitOfWork.run(async ({ gifts, orders }) => {
      const order = await orders.lock(command.orderId);
      if (!order) throw new GiftOrderNotFoundError(command.orderId);
      await applyStockMove(gifts, order.state, order.cancelDelivery(command.deliveryId, at), at);
      await orders.save(order);
    });
  }
}
