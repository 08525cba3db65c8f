import { DomainError, NotFoundError } from '#platform/errors/domain-error';

export class GiftAlreadyExistsError extends DomainError {
  readonly kind = 'already-exists' as const;
  readonly code = 'GIFT_ALREADY_EXISTS';
  constructor(giftId: string) {
    super(`gift ${giftId} already exists`);
  }
}

export class GiftNotFoundError extends NotFoundError {
  constructor(giftId: string) {
    super('GIFT_NOT_FOUND', `gift ${giftId} not found`);
  }
}

export class StockBelowReservedError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  readonly code = 'STOCK_BELOW_RESERVED';
  constructor(giftId: string, stockCount: number, reservedCount: number) {
    super(`gift ${giftId} has ${reservedCount} units reserved; its stock cannot be set to ${stockCount}`);
  }
}

export class OutOfStockError extends DomainError {
  readonly kind = 'resource-exhausted' as const;
  readonly code = 'OUT_OF_STOCK';
  constructor(giftId: string) {
    super(`gift ${giftId} is out of stock`);
  }
}

export class GiftOrderNotFoundError extends NotFoundError {
  constructor(orderId: string) {
    super('GIFT_ORDER_NOT_FOUND', `gift order ${orderId} not found`);
  }
}

/** The order id was abandoned (or its reservation lapsed): it is never honoured again. */
export class OrderReleasedError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  readonly code = 'ORDER_RELEASED';
  constructor(orderId: string) {
    super(`gift order ${orderId} was released and cannot be reserved again`);
  }
}

/** The order id is taken by another exchange (another customer, gift or reward). */
export class OrderIdConflictError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  readonly code = 'ORDER_ID_CONFLICT';
  constructor(orderId: string) {
    super(`gift order ${orderId} belongs to another exchange`);
  }
}

export class NotYourOrderError extends DomainError {
  readonly kind = 'permission-denied' as const;
  readonly code = 'NOT_YOUR_ORDER';
  constructor(orderId: string, customerId: string) {
    super(`gift order ${orderId} is not an order of customer ${customerId}`);
  }
}

export class OrderDeliveredError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  readonly code = 'ORDER_DELIVERED';
  constructor(orderId: string) {
    super(`gift order ${orderId} is delivered and can no longer be cancelled`);
  }
}

export class OrderAlreadyCancelledError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  readonly code = 'ORDER_ALREADY_CANCELLED';
  constructor(orderId: string) {
    super(`gift order ${orderId} is already cancelled`);
  }
}

export class OrderNotPaidError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  readonly code = 'ORDER_NOT_PAID';
  constructor(orderId: string, status: string) {
    super(`gift order ${orderId} is ${status}, not paid: there is nothing to cancel`);
  }
}

/**
 * An order's stock state and its gift's counts disagree (an order holds a unit the gift does
 * not have reserved). A bug, never a client's fault: the transaction rolls back.
 */
export class StockOutOfStepError extends Error {
  override readonly name = 'StockOutOfStepError';
  constructor(giftId: string, move: string, holder: string) {
    super(`gift ${giftId} has no unit to ${move} for ${holder}`);
  }
}
