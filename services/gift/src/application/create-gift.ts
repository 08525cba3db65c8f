import { requireCode } from '#platform/validation/request-fields';
import { Gift, type GiftState } from '../domain/gift.js';
import { GiftAlreadyExistsError } from '../domain/gift-errors.js';
import type { GiftRepository } from '../domain/gift-repository.js';
import { requireGiftName, requireStockCount } from './gift-fields.js';

export interface CreateGiftCommand {
  readonly giftId: string;
  readonly name: string;
  readonly stockCount: number;
}

/** An operator registers a gift with its initial stock; GiftStockChanged announces it. */
export class CreateGift {
  constructor(private readonly deps: { gifts: GiftRepository; now: () => Date }) {}

  async execute(command: CreateGiftCommand): Promise<GiftState> {
    const giftId = requireCode('gift_id', command.giftId);
    const name = requireGiftName('name', command.name);
    const stockCount = requireStockCount('stock_count', command.stockCount);
    const gift = Gift.create({ id: giftId, name, stockCount, at: this.deps.now() });
    if (!(await this.deps.gifts.add(gift))) throw new GiftAlreadyExistsError(giftId);
    return gift.state;
  }
}
