import { requireCode } from '#platform/validation/request-fields';
import type { GiftState } from '../domain/gift.js';
import { GiftNotFoundError } from '../domain/gift-errors.js';
import type { GiftRepository } from '../domain/gift-repository.js';

export class GetGift {
  constructor(private readonly deps: { gifts: GiftRepository }) {}

  async execute(query: { giftId: string }): Promise<GiftState> {
    const giftId = requireCode('gift_id', query.giftId);
    const gift = await this.deps.gifts.findById(giftId);
    if (!gift) throw new GiftNotFoundError(giftId);
    return gift.state;
  }
}
