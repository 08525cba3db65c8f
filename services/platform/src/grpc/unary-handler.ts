import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '../logging/logger.js';
import { requirePlainText } from '../validation/plain-text.js';
import { toServiceError } from './status-mapping.js';

/**
 * Adapts an async function to grpc-js's callback style, mapping thrown errors to statuses.
 * Errors are answered trailers-only (callback(err)), which is what Envoy's outlier detection
 * and retry policies look at. Every request's text is checked for control characters first.
 */
export function unary<Req, Res>(
  logger: Logger,
  fn: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => requirePlainText(call.request))
      .then(() => fn(call.request, call))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(error, logger)),
      );
  };
}
