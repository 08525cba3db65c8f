import { requirePage } from '#platform/validation/request-fields';
import type { GiftState } from '../domain/gift.js';
import type { GiftRepository } from '../domain/gift-repository.js';

/** The catalog, newest gift first, a page at a time. */
export class ListGifts {
  constructor(private readonly deps: { gifts: GiftRepository }) {}

  async execute(query: { pageSize: number; pageToken: string }): Promise<{ gifts: GiftState[]; nextBefore?: number }> {
    const result = await this.deps.gifts.list(requirePage(query.pageSize, query.pageToken));
    return { gifts: result.gifts.map((gift) => gift.state), nextBefore: result.nextBefore };
  }
}
