import type { StockMove } from './gift.js';
import {
  NotYourOrderError,
  OrderAlreadyCancelledError,
  OrderDeliveredError,
  OrderIdConflictError,
  OrderNotPaidError,
  OrderReleasedError,
} from './gift-errors.js';

export type GiftOrderStatus = 'reserved' | 'paid' | 'shipping' | 'delivered' | 'cancelled' | 'released';

/** What the order did to its gift's stock: holds a unit, took it off the shelf, gave it back. */
export type OrderStockState = 'reserved' | 'deducted' | 'released' | 'restocked';

export interface GiftOrderState {
  /** Chosen by the wallet for its exchange. */
  readonly id: string;
  readonly customerId: string;
  readonly giftId: string;
  readonly giftName: string;
  /** The reward paid (or to be paid) for the gift. */
  readonly rewardId: string;
  readonly status: GiftOrderStatus;
  readonly stockState: OrderStockState;
  readonly deliveryId?: string;
  /** A reserved order not paid by then is released by the expiry sweep. */
  readonly reservedUntil: Date;
  /** Set when a payment that came after the reservation lapsed could not be honoured. */
  readonly rejectedAt?: Date;
  /** When each announced step happened (its event's time). */
  readonly paidAt?: Date;
  readonly cancelledAt?: Date;
  readonly deliveredAt?: Date;
  readonly placedAt: Date;
  readonly updatedAt: Date;
}

/** The exchange an order is for: who, which gift, paid with which reward. */
export interface ExchangeTerms {
  readonly customerId: string;
  readonly giftId: string;
  readonly rewardId: string;
}

export type GiftOrderEvent =
  | { readonly type: 'gift-order-paid'; readonly order: GiftOrderState }
  | { readonly type: 'gift-order-cancelled'; readonly order: GiftOrderState }
  | { readonly type: 'gift-order-rejected'; readonly order: GiftOrderState; readonly reason: string }
  | { readonly type: 'gift-order-delivered'; readonly order: GiftOrderState };

/**
 * The events that tell an order's current state, as they were raised: its snapshot. A
 * rejection's reason is not kept, so a stated rejection has none.
 */
export function eventsStating(state: GiftOrderState): GiftOrderEvent[] {
  const events: GiftOrderEvent[] = [];
  if (state.paidAt) events.push({ type: 'gift-order-paid', order: state });
  if (state.rejectedAt) events.push({ type: 'gift-order-rejected', order: state, reason: '' });
  if (state.cancelledAt) events.push({ type: 'gift-order-cancelled', order: state });
  if (state.deliveredAt) events.push({ type: 'gift-order-delivered', order: state });
  return events;
}

/**
 * A gift order, placed by the wallet when a customer exchanges a reward:
 *
 *   reserved --reward spent--> paid --delivery started--> shipping --delivery completed--> delivered
 *      |                        ^  |                          |
 *      | expired or abandoned   |  +---- customer cancels ----+--> cancelled
 *      v                        |
 *   released -------------------+
 *     (reward spent anyway: a unit is reserved again; none left: rejected, stays released)
 *
 * Every transition that touches stock returns the StockMove the caller applies to the gift in
 * the same transaction; every transition is a no-op when repeated (events may come twice).
 */
export class GiftOrder {
  private pending: GiftOrderEvent[] = [];
  private changed = false;

  private constructor(private current: GiftOrderState) {}

  /** A new order holding one unit of the gift until `reservedUntil`. */
  static reserve(props: ExchangeTerms & { id: string; giftName: string; at: Date; reservedUntil: Date }): GiftOrder {
    const { id, customerId, giftId, giftName, rewardId, at, reservedUntil } = props;
    return new GiftOrder({
      id,
      customerId,
      giftId,
      giftName,
      rewardId,
      status: 'reserved',
      stockState: 'reserved',
      reservedUntil,
      placedAt: at,
      updatedAt: at,
    });
  }

  /**
   * The wallet abandoned an exchange whose reservation never reached the gift shop: the order
   * id is recorded as released so a late ReserveGift with it is refused.
   */
  static tombstone(props: ExchangeTerms & { id: string; giftName: string; at: Date }): GiftOrder {
    const { id, customerId, giftId, giftName, rewardId, at } = props;
    return new GiftOrder({
      id,
      customerId,
      giftId,
      giftName,
      rewardId,
      status: 'released',
      stockState: 'released',
      reservedUntil: at,
      placedAt: at,
      updatedAt: at,
    });
  }

  static restore(state: GiftOrderState): GiftOrder {
    return new GiftOrder(state);
  }

  get state(): GiftOrderState {
    return this.current;
  }

  /** Whether a transition changed the order since it was loaded. */
  get hasChanges(): boolean {
    return this.changed;
  }

  isFor(terms: ExchangeTerms): boolean {
    return (
      this.current.customerId === terms.customerId &&
      this.current.giftId === terms.giftId &&
      this.current.rewardId.toLowerCase() === terms.rewardId.toLowerCase()
    );
  }

  /** A repeated ReserveGift gets the same order, unless the id is another exchange's or was released. */
  confirmRetry(terms: ExchangeTerms): void {
    if (!this.isFor(terms)) throw new OrderIdConflictError(this.current.id);
    if (this.current.status === 'released') throw new OrderReleasedError(this.current.id);
  }

  /** The wallet spent the reward on the reserved order. */
  pay(at: Date): void {
    if (this.current.status !== 'reserved') return;
    this.apply({ status: 'paid', paidAt: at }, at);
    this.pending.push({ type: 'gift-order-paid', order: this.current });
  }

  /**
   * The reward was spent although the reservation had lapsed (expired or abandoned). Such an
   * order is honoured if a unit can be reserved for it again; once rejected, never.
   */
  get awaitsRenewedReservation(): boolean {
    return this.current.status === 'released' && this.current.rejectedAt === undefined;
  }

  payOnRenewedReservation(giftName: string, at: Date): void {
    if (!this.awaitsRenewedReservation) return;
    this.apply({ status: 'paid', stockState: 'reserved', giftName: this.current.giftName || giftName, paidAt: at }, at);
    this.pending.push({ type: 'gift-order-paid', order: this.current });
  }

  /** The spent reward cannot buy anything any more: the wallet is told to return it. */
  reject(reason: string, at: Date): void {
    if (!this.awaitsRenewedReservation) return;
    this.apply({ rejectedAt: at }, at);
    this.pending.push({ type: 'gift-order-rejected', order: this.current, reason });
  }

  /** The reservation expired or the exchange was abandoned before payment. */
  release(at: Date): StockMove | undefined {
    if (this.current.status !== 'reserved') return undefined;
    this.apply({ status: 'released', stockState: 'released' }, at);
    return 'release';
  }

  /**
   * The customer cancels a paid order that is not delivered. A unit still only reserved is
   * released now; a unit already off the shelf comes back when the delivery is cancelled.
   */
  cancel(customerId: string, at: Date): StockMove | undefined {
    const { id, status, stockState } = this.current;
    if (customerId !== this.current.customerId) throw new NotYourOrderError(id, customerId);
    if (status === 'delivered') throw new OrderDeliveredError(id);
    if (status === 'cancelled') throw new OrderAlreadyCancelledError(id);
    if (status === 'reserved' || status === 'released') throw new OrderNotPaidError(id, status);
    const move = stockState === 'reserved' ? 'release' : undefined;
    this.apply({ status: 'cancelled', stockState: move ? 'released' : stockState, cancelledAt: at }, at);
    this.pending.push({ type: 'gift-order-cancelled', order: this.current });
    return move;
  }

  /**
   * The delivery started: the unit leaves the shelf. If the order was cancelled meanwhile, only
   * the delivery id is recorded (its cancellation follows).
   */
  startDelivery(deliveryId: string, at: Date): StockMove | undefined {
    if (!this.isDelivery(deliveryId)) return undefined;
    if (this.current.status !== 'paid') {
      if (this.current.deliveryId === undefined) this.apply({ deliveryId }, at);
      return undefined;
    }
    const deduct = this.current.stockState === 'reserved';
    this.apply({ deliveryId, status: 'shipping', stockState: deduct ? 'deducted' : this.current.stockState }, at);
    return deduct ? 'deduct' : undefined;
  }

  /** The delivery was cancelled (because the order was): a unit taken off the shelf goes back. */
  cancelDelivery(deliveryId: string, at: Date): StockMove | undefined {
    if (!this.isDelivery(deliveryId) || this.current.stockState !== 'deducted') return undefined;
    this.apply({ deliveryId, stockState: 'restocked' }, at);
    return 'restock';
  }

  /** The gift was handed over. A completion that overtook its start also starts it. */
  completeDelivery(deliveryId: string, at: Date): StockMove | undefined {
    if (!this.isDelivery(deliveryId)) return undefined;
    const move = this.current.status === 'paid' ? this.startDelivery(deliveryId, at) : undefined;
    if (this.current.status !== 'shipping') return move;
    this.apply({ status: 'delivered', deliveredAt: at }, at);
    this.pending.push({ type: 'gift-order-delivered', order: this.current });
    return move;
  }

  /** Events raised since the last call; the repository writes them to the outbox with the change. */
  pullEvents(): GiftOrderEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }

  /** One delivery per order: events about any other delivery are ignored. */
  private isDelivery(deliveryId: string): boolean {
    return this.current.deliveryId === undefined || this.current.deliveryId === deliveryId;
  }

  private apply(change: Partial<GiftOrderState>, at: Date): void {
    this.current = { ...this.current, ...change, updatedAt: at };
    this.changed = true;
  }
}
