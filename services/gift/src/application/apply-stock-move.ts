import type { GiftState, StockMove } from '../domain/gift.js';
import { StockOutOfStepError } from '../domain/gift-errors.js';
import type { GiftOrderState } from '../domain/gift-order.js';
import type { GiftRepository } from '../domain/gift-repository.js';

/**
 * Applies to the gift what an order's transition did to its stock (release, deduct, restock),
 * in the caller's transaction. These moves only return what the order holds, so a refusal
 * means the counts are out of step with the orders: the transaction is rolled back.
 */
export async function applyStockMove(
  gifts: GiftRepository,
  order: GiftOrderState,
  move: StockMove | undefined,
  at: Date,
): Promise<GiftState | undefined> {
  if (move === undefined) return undefined;
  const gift = await gifts.moveStock(order.giftId, move, 1, at);
  if (!gift) throw new StockOutOfStepError(order.giftId, move, `order ${order.id}`);
  return gift;
}
