import { GiftOrderNotFoundError } from '../domain/gift-errors.js';
import type { GiftUnitOfWork } from '../domain/gift-unit-of-work.js';
import { applyStockMove } from './apply-stock-move.js';

export interface OrderDeliveryCommand {
  readonly orderId: string;
  readonly deliveryId: string;
}

/** The delivery started (delivery.started): the order ships and its unit leaves the shelf. */
export class StartOrderDelivery {
  constructor(private readonly deps: { unitOfWork: GiftUnitOfWork; now: () => Date }) {}

  async execute(command: OrderDeliveryCommand): Promise<void> {
    const at = this.deps.now();
    await this.deps.unitOfWork.run(async ({ gifts, orders }) => {
      const order = await orders.lock(command.orderId);
      if (!order) throw new GiftOrderNotFoundError(command.orderId);
      await applyStockMove(gifts, order.state, order.startDelivery(command.deliveryId, at), at);
      await orders.save(order);
    });
  }
}
