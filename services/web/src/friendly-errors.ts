/**
 * What went wrong, in words for the person using the page. Decided by the stable parts of an
 * error (gRPC code, the error-code header, retry-after-ms), never by parsing server prose,
 * except to find a wait time a server put only in its message.
 */
import { ApiError, GrpcCode } from './api-client.js';

export type Action = 'load' | 'achieve' | 'exchange' | 'cancel' | 'mark-read';

export interface ErrorContext {
  readonly action: Action;
  /** The gift's display name, for exchange errors. */
  readonly giftName?: string;
}

export const OFFLINE_MESSAGE = "Can't reach the server. Check your connection; we'll keep trying.";

export function friendlyMessage(error: unknown, context: ErrorContext): string {
  if (!(error instanceof ApiError)) return 'Something went wrong on this page. Please reload it.';
  if (error.kind === 'network') return OFFLINE_MESSAGE;
  const gift = context.giftName ?? 'that gift';
  switch (error.errorCode) {
    case 'OUT_OF_STOCK':
      return `Sorry, ${gift} is out of stock.`;
    case 'GIFT_SHOP_UNAVAILABLE':
      return giftShopBusy(error);
    case 'GIFT_NOT_FOUND':
      return `Sorry, ${gift} is no longer in the catalog.`;
    case 'REWARD_NOT_IN_WALLET':
      return "That reward isn't in your wallet.";
    case 'REWARD_NOT_AVAILABLE':
      return 'That reward was already used or is on hold, so it cannot be exchanged.';
    case 'EXCHANGE_IN_PROGRESS':
      return 'That reward is being exchanged right now. Give it a moment.';
    case 'ORDER_DELIVERED':
      return 'That order was already delivered, so it can no longer be cancelled.';
    case 'ORDER_ALREADY_CANCELLED':
      return 'That order is already cancelled.';
    case 'ORDER_NOT_PAID':
      return 'That order cannot be cancelled yet. Please try again in a moment.';
    case 'NOT_YOUR_ORDER':
      return 'That order belongs to someone else.';
    case 'GIFT_ORDER_NOT_FOUND':
      return "We couldn't find that order.";
    case 'MISSION_ALREADY_ACHIEVED':
      return 'You already achieved that mission.';
    case 'MY_PAGE_NOT_FOUND':
      return 'Nothing has happened for this customer yet.';
    default:
      break;
  }
  switch (error.grpcCode) {
    case GrpcCode.INVALID_ARGUMENT:
      return invalidInput(error);
    case GrpcCode.NOT_FOUND:
      return "We couldn't find that. It may have been removed.";
    case GrpcCode.ALREADY_EXISTS:
      return 'That was done already.';
    case GrpcCode.PERMISSION_DENIED:
      return "That isn't allowed from this page.";
    case GrpcCode.RESOURCE_EXHAUSTED:
      return context.action === 'exchange'
        ? `Sorry, ${gift} is out of stock.`
        : 'Too many requests right now. Please wait a moment and try again.';
    case GrpcCode.FAILED_PRECONDITION:
      return context.action === 'cancel' ? 'That order can no longer be cancelled.' : "That can't be done right now.";
    case GrpcCode.ABORTED:
      return 'Something else is being done with this right now. Please try again in a moment.';
    case GrpcCode.DEADLINE_EXCEEDED:
      return 'The server took too long to answer. Please try again.';
    case GrpcCode.UNAVAILABLE:
      return context.action === 'exchange'
        ? giftShopBusy(error)
        : 'This part of the service is not available right now. Please try again shortly.';
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}

/** "The gift shop is busy ... try again in N seconds", N from retry-after-ms, else from the message. */
function giftShopBusy(error: ApiError): string {
  const seconds = waitSeconds(error);
  return `The gift shop is busy right now. Please try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
}

export function waitSeconds(error: ApiError): number {
  if (error.retryAfterMs !== undefined) return Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  const said = /(\d+)\s*second/i.exec(error.message);
  return said ? Math.max(1, Number(said[1])) : 5;
}

/** Bad input: the server's message starts with the field's name ("customer_id: must be ..."). */
function invalidInput(error: ApiError): string {
  const field = error.errorField ?? /^([a-z_]+):/.exec(error.message)?.[1];
  const reason = error.message.replace(/^[a-z_]+:\s*/, '');
  if (field === 'customer_id') return 'Customer ids are 1 to 64 letters, digits, "-" or "_".';
  return field
    ? `Please check the ${field.replace(/_/g, ' ')}: ${reason}.`
    : 'Something in that request was not right. Please check and try again.';
}
