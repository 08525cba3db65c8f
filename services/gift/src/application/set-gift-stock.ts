import { requireCode } from '#platform/validation/request-fields';
import type { GiftState } from '../domain/gift.js';
import { GiftNotFoundError } from '../domain/gift-errors.js';
import type { GiftRepository } from '../domain/gift-repository.js';
import { requireStockCount } from './gift-fields.js';

export interface SetGiftStockCommand {
  readonly giftId: string;
  readonly stockCount: number;
}

/** An operator sets the physical stock count; never below what customers have reserved. */
export class SetGiftStock {
  constructor(private readonly deps: { gifts: GiftRepository; now: () => Date }) {}

  async execute(command: SetGiftStockCommand): Promise<GiftState> {
    const giftId = requireCode('gift_id', command.giftId);
    const stockCount = requireStockCount('stock_count', command.stockCount);
    const gift = await this.deps.gifts.update(giftId, (gift) => gift.setStock(stockCount, this.deps.now()));
    if (!gift) throw new GiftNotFoundError(giftId);
    return gift.state;
  }
}
