import { DomainError, NotFoundError } from '#platform/errors/domain-error';

export interface GiftReservationRequest {
  /** The wallet's choice; the gift shop treats it as the reservation's idempotency key. */
  readonly orderId: string;
  readonly customerId: string;
  readonly giftId: string;
  readonly rewardId: string;
}

/**
 * The port the wallet needs from the gift shop: reserve one unit of a gift for an order,
 * synchronously. The adapter behind it decides how (gRPC with timeouts, retries and a breaker).
 */
export interface GiftShop {
  reserve(request: GiftReservationRequest): Promise<void>;
  /**
   * Throws GiftShopUnavailableError when the gift shop is known to be down right now (its
   * breaker is open), so an exchange can be refused before anything is held or written.
   */
  ensureAvailable(): void;
}

export class GiftOutOfStockError extends DomainError {
  readonly kind = 'resource-exhausted' as const;
  readonly code = 'OUT_OF_STOCK';
  constructor(giftId: string) {
    super(`gift ${giftId} is out of stock`);
  }
}

export class GiftNotFoundError extends NotFoundError {
  constructor(giftId: string) {
    super('GIFT_NOT_FOUND', `gift ${giftId} not found`);
  }
}

/** The gift shop refused this order for a reason of its own (e.g. the order id was abandoned). */
export class GiftOrderRefusedError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The gift shop is down, slow or shedding load: the customer should try again later. */
export class GiftShopUnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
  readonly code = 'GIFT_SHOP_UNAVAILABLE';
  readonly details: Readonly<Record<string, string>>;
  constructor(readonly retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(`the gift shop is busy right now; please try the exchange again in ${seconds} second${seconds === 1 ? '' : 's'}`);
    this.details = { 'retry-after-ms': String(Math.max(0, Math.round(retryAfterMs))) };
  }
}
