import type { Gift, GiftState, StockMove } from './gift.js';

export interface GiftPage {
  readonly gifts: Gift[];
  /** Pass back as `before` for the next page; undefined on the last page. */
  readonly nextBefore?: number;
}

/** Persistence port for the catalog. Writes store GiftStockChanged with the change, atomically. */
export interface GiftRepository {
  /** Stores a new gift; false if the id is taken. */
  add(gift: Gift): Promise<boolean>;
  /** Loads the gift locked for update, applies the change, stores it; undefined if absent. */
  update(giftId: string, change: (gift: Gift) => void): Promise<Gift | undefined>;
  findById(giftId: string): Promise<Gift | undefined>;
  list(page: { size: number; before?: number }): Promise<GiftPage>;
  /**
   * Moves `units` of stock in one guarded statement, so concurrent moves cannot overdraw it.
   * Undefined when the guard refuses (nothing available to reserve, nothing reserved to release
   * or deduct) or the gift does not exist; then nothing changed.
   */
  moveStock(giftId: string, move: StockMove, units: number, at: Date): Promise<GiftState | undefined>;
}
