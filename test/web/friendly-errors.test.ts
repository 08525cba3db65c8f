import { expect } from 'chai';
import { ApiError, GrpcCode, newIdempotencyKey } from '../../services/web/src/api-client.js';
import { friendlyMessage, OFFLINE_MESSAGE } from '../../services/web/src/friendly-errors.js';

/** An error as the edge answers it: status, {"code","message"} body, trailers as headers. */
function edgeError(
  httpStatus: number,
  grpcCode: number,
  message: string,
  headers: { errorCode?: string; errorField?: string; retryAfterMs?: number } = {},
) {
  return new ApiError('http', httpStatus, grpcCode, message, headers.errorCode, headers.errorField, headers.retryAfterMs);
}

describe('The web page words errors for people, from the code and headers the edge sends', () => {
  it('an exchange refused for stock says the gift by name is out of stock', () => {
    const error = edgeError(429, GrpcCode.RESOURCE_EXHAUSTED, 'gift plush is out of stock', { errorCode: 'OUT_OF_STOCK' });
    expect(friendlyMessage(error, { action: 'exchange', giftName: 'Plush dragon' })).to.equal('Sorry, Plush dragon is out of stock.');
  });

  it('a gift shop behind an open breaker says it is busy and when to try again, in whole seconds from retry-after-ms', () => {
    const error = edgeError(503, GrpcCode.UNAVAILABLE, 'the gift shop is busy right now; please try the exchange again in 3 seconds', {
      errorCode: 'GIFT_SHOP_UNAVAILABLE',
      retryAfterMs: 2400,
    });
    expect(friendlyMessage(error, { action: 'exchange' })).to.equal('The gift shop is busy right now. Please try again in 3 seconds.');
    const oneSecond = edgeError(503, GrpcCode.UNAVAILABLE, 'busy', { errorCode: 'GIFT_SHOP_UNAVAILABLE', retryAfterMs: 1000 });
    expect(friendlyMessage(oneSecond, { action: 'exchange' })).to.equal('The gift shop is busy right now. Please try again in 1 second.');
  });

  it('without a retry-after-ms header the wait comes from the message, and a bare 503 on an exchange is still the busy gift shop', () => {
    const fromMessage = edgeError(
      503,
      GrpcCode.UNAVAILABLE,
      'the gift shop is busy right now; please try the exchange again in 4 seconds',
      {
        errorCode: 'GIFT_SHOP_UNAVAILABLE',
      },
    );
    expect(friendlyMessage(fromMessage, { action: 'exchange' })).to.equal(
      'The gift shop is busy right now. Please try again in 4 seconds.',
    );
    expect(friendlyMessage(edgeError(503, GrpcCode.UNAVAILABLE, 'no upstream'), { action: 'exchange' })).to.match(
      /^The gift shop is busy right now\. Please try again in \d+ seconds?\.$/,
    );
  });

  it('no answer at all says the server cannot be reached and that the page keeps trying', () => {
    expect(friendlyMessage(new ApiError('network', 0, GrpcCode.UNAVAILABLE, 'Failed to fetch'), { action: 'cancel' })).to.equal(
      OFFLINE_MESSAGE,
    );
    expect(OFFLINE_MESSAGE).to.equal("Can't reach the server. Check your connection; we'll keep trying.");
  });

  it('not found, refused cancellations and bad input are explained without server ids or field paths', () => {
    expect(
      friendlyMessage(edgeError(404, GrpcCode.NOT_FOUND, 'gift order 1b0c not found', { errorCode: 'GIFT_ORDER_NOT_FOUND' }), {
        action: 'cancel',
      }),
    ).to.equal("We couldn't find that order.");
    expect(friendlyMessage(edgeError(404, GrpcCode.NOT_FOUND, 'x not found'), { action: 'load' })).to.equal(
      "We couldn't find that. It may have been removed.",
    );
    expect(
      friendlyMessage(edgeError(400, GrpcCode.FAILED_PRECONDITION, 'gift order 1b0c is delivered', { errorCode: 'ORDER_DELIVERED' }), {
        action: 'cancel',
      }),
    ).to.equal('That order was already delivered, so it can no longer be cancelled.');
    expect(
      friendlyMessage(edgeError(400, GrpcCode.INVALID_ARGUMENT, 'customer_id: must be 1-64 characters', { errorField: 'customer_id' }), {
        action: 'achieve',
      }),
    ).to.equal('Customer ids are 1 to 64 letters, digits, "-" or "_".');
    const unexpected = friendlyMessage(edgeError(500, GrpcCode.INTERNAL, 'TypeError: x is undefined at foo.ts:12'), { action: 'load' });
    expect(unexpected).to.equal('Something went wrong on our side. Please try again.');
  });

  it('idempotency keys are version 4 UUIDs, a new one per call', () => {
    const first = newIdempotencyKey();
    expect(first).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).to.not.equal(first);
  });
});
