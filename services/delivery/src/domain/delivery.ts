import { DeliveryCancelledError } from './delivery-errors.js';

export type DeliveryStatus = 'started' | 'delivered' | 'cancelled';

export interface DeliveryState {
  readonly id: string;
  /** The gift order shipped: one delivery per order. */
  readonly orderId: string;
  readonly customerId: string;
  readonly giftId: string;
  readonly status: DeliveryStatus;
  /** Undefined only for a tombstone: the order was cancelled before its delivery ever started. */
  readonly startedAt?: Date;
  readonly updatedAt: Date;
}

export type DeliveryEvent =
  | { readonly type: 'delivery-started'; readonly delivery: DeliveryState }
  | { readonly type: 'delivery-cancelled'; readonly delivery: DeliveryState }
  | { readonly type: 'delivery-completed'; readonly delivery: DeliveryState };

/**
 * The events that tell a delivery's current state, as they were raised: its snapshot. A
 * tombstone was never announced, so it states nothing.
 */
export function eventsStating(state: DeliveryState): DeliveryEvent[] {
  if (state.startedAt === undefined) return [];
  const started: DeliveryEvent = { type: 'delivery-started', delivery: { ...state, updatedAt: state.startedAt } };
  if (state.status === 'delivered') return [started, { type: 'delivery-completed', delivery: state }];
  if (state.status === 'cancelled') return [started, { type: 'delivery-cancelled', delivery: state }];
  return [started];
}

/**
 * The shipping of one paid gift order. It starts when the order is paid, and ends either
 * delivered (the courier handed the gift over) or cancelled (the customer cancelled the order).
 *
 * Events about an order may arrive in any order, so a cancellation that comes before the
 * payment leaves a tombstone: a cancelled record that never started. It holds the order's
 * place, so the late payment finds it and starts nothing; to clients it does not exist.
 */
export class Delivery {
  private pending: DeliveryEvent[] = [];

  private constructor(private current: DeliveryState) {}

  static start(props: { id: string; orderId: string; customerId: string; giftId: string; at: Date }): Delivery {
    const { at, ...identity } = props;
    const delivery = new Delivery({ ...identity, status: 'started', startedAt: at, updatedAt: at });
    delivery.pending.push({ type: 'delivery-started', delivery: delivery.current });
    return delivery;
  }

  /** The order was cancelled before it was paid: nothing was started, so nothing is announced. */
  static tombstone(props: { id: string; orderId: string; customerId: string; giftId: string; at: Date }): Delivery {
    const { at, ...identity } = props;
    return new Delivery({ ...identity, status: 'cancelled', updatedAt: at });
  }

  static restore(state: DeliveryState): Delivery {
    return new Delivery(state);
  }

  get state(): DeliveryState {
    return this.current;
  }

  get isTombstone(): boolean {
    return this.current.startedAt === undefined;
  }

  /**
   * The order was cancelled. A started delivery is cancelled (and the stock it took goes back);
   * a cancelled one stays as it is; a delivered one cannot be undone and stays delivered.
   */
  cancel(at: Date): void {
    if (this.current.status !== 'started') return;
    this.current = { ...this.current, status: 'cancelled', updatedAt: at };
    this.pending.push({ type: 'delivery-cancelled', delivery: this.current });
  }

  /** The courier handed the gift over. Idempotent once delivered; refused once cancelled. */
  complete(at: Date): void {
    if (this.current.status === 'delivered') return;
    if (this.current.status === 'cancelled') throw new DeliveryCancelledError(this.current.id);
    this.current = { ...this.current, status: 'delivered', updatedAt: at };
    this.pending.push({ type: 'delivery-completed', delivery: this.current });
  }

  /** Events raised since the last call; the repository writes them to the outbox with the change. */
  pullEvents(): DeliveryEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
