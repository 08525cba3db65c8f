import { DomainError, NotFoundError } from '#platform/errors/domain-error';

/** No delivery by that id, or none for that order (an order cancelled before it started has none). */
export class DeliveryNotFoundError extends NotFoundError {
  constructor(key: { deliveryId: string } | { orderId: string }) {
    super('DELIVERY_NOT_FOUND', 'deliveryId' in key ? `delivery ${key.deliveryId} not found` : `gift order ${key.orderId} has no delivery`);
  }
}

/** The order was cancelled, so its delivery cannot be completed. */
export class DeliveryCancelledError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  readonly code = 'DELIVERY_CANCELLED';
  constructor(deliveryId: string) {
    super(`delivery ${deliveryId} was cancelled and cannot be completed`);
  }
}
