export type ExchangeStatus = 'pending' | 'completed' | 'failed';

export interface ExchangeState {
  readonly customerId: string;
  /** The client's key: the same key and request never exchange twice. */
  readonly idempotencyKey: string;
  readonly rewardId: string;
  readonly giftId: string;
  /** The gift order this attempt places (the gift shop's idempotency key). */
  readonly orderId: string;
  readonly status: ExchangeStatus;
  readonly failureReason?: string;
  readonly requestedAt: Date;
  readonly updatedAt: Date;
}

export type ExchangeEvent = { readonly type: 'exchange-abandoned'; readonly exchange: ExchangeState };

/**
 * One customer request to exchange a reward for a gift. Pending while the gift shop is asked;
 * completed once the reward is spent; failed otherwise. A failed exchange announces that its
 * order id is abandoned, so the gift shop releases anything it reserved for it (and refuses
 * the id later), whatever happened to the call.
 */
export class Exchange {
  private pending: ExchangeEvent[] = [];

  private constructor(private current: ExchangeState) {}

  static request(props: {
    customerId: string;
    idempotencyKey: string;
    rewardId: string;
    giftId: string;
    orderId: string;
    at: Date;
  }): Exchange {
    return new Exchange({ ...props, status: 'pending', requestedAt: props.at, updatedAt: props.at });
  }

  static restore(state: ExchangeState): Exchange {
    return new Exchange(state);
  }

  get state(): ExchangeState {
    return this.current;
  }

  /** Whether a repeated request with the same key asks for the same exchange. */
  matches(request: { rewardId: string; giftId: string }): boolean {
    return this.current.rewardId === request.rewardId && this.current.giftId === request.giftId;
  }

  /** A failed exchange may be tried again under the same key, as a new gift order. */
  retry(orderId: string, at: Date): void {
    this.current = { ...this.current, orderId, status: 'pending', failureReason: undefined, requestedAt: at, updatedAt: at };
  }

  complete(at: Date): void {
    if (this.current.status !== 'pending') return;
    this.current = { ...this.current, status: 'completed', updatedAt: at };
  }

  fail(reason: string, at: Date): void {
    if (this.current.status !== 'pending') return;
    this.current = { ...this.current, status: 'failed', failureReason: reason, updatedAt: at };
    this.pending.push({ type: 'exchange-abandoned', exchange: this.current });
  }

  pullEvents(): ExchangeEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
