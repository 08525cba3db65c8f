import { StockBelowReservedError } from './gift-errors.js';

export interface GiftState {
  /** 1-64 of letters, digits, '-' and '_', chosen by the operator. */
  readonly id: string;
  readonly name: string;
  /** Units on the shelf; decreased when a delivery starts. */
  readonly stockCount: number;
  /** Units held for orders whose delivery has not started. */
  readonly reservedCount: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What customers can still get. */
export function availableCount(gift: GiftState): number {
  return gift.stockCount - gift.reservedCount;
}

export type GiftEvent = { readonly type: 'gift-stock-changed'; readonly gift: GiftState };

export function stockChanged(gift: GiftState): GiftEvent {
  return { type: 'gift-stock-changed', gift };
}

/**
 * What an order does to its gift's stock. Each is a single guarded UPDATE in the repository,
 * so concurrent orders never over-reserve:
 *   reserve  reserved + n   while stock - reserved >= n (a customer takes an available unit)
 *   release  reserved - n   (the reservation lapsed, was abandoned or the order was cancelled)
 *   deduct   stock - n, reserved - n   (the delivery started: the unit leaves the shelf)
 *   restock  stock + n      (the delivery was cancelled: the unit is back on the shelf)
 */
export type StockMove = 'reserve' | 'release' | 'deduct' | 'restock';

/** A gift in the catalog, with its stock. Reservations never exceed the stock. */
export class Gift {
  private pending: GiftEvent[] = [];

  private constructor(private current: GiftState) {}

  static create(props: { id: string; name: string; stockCount: number; at: Date }): Gift {
    const gift = new Gift({
      id: props.id,
      name: props.name,
      stockCount: props.stockCount,
      reservedCount: 0,
      createdAt: props.at,
      updatedAt: props.at,
    });
    gift.pending.push(stockChanged(gift.current));
    return gift;
  }

  static restore(state: GiftState): Gift {
    return new Gift(state);
  }

  get state(): GiftState {
    return this.current;
  }

  /** Operators count the shelf; it can never hold fewer units than customers have reserved. */
  setStock(stockCount: number, at: Date): void {
    if (stockCount < this.current.reservedCount) throw new StockBelowReservedError(this.current.id, stockCount, this.current.reservedCount);
    if (stockCount === this.current.stockCount) return;
    this.current = { ...this.current, stockCount, updatedAt: at };
    this.pending.push(stockChanged(this.current));
  }

  /** Events raised since the last call; the repository writes them to the outbox with the change. */
  pullEvents(): GiftEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
