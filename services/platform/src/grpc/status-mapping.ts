import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { DomainError, type ErrorKind, InvalidArgumentError } from '../errors/domain-error.js';
import { unavailability } from '../errors/infrastructure-error.js';
import type { Logger } from '../logging/logger.js';

const STATUS_BY_KIND: Record<ErrorKind, status> = {
  'invalid-argument': status.INVALID_ARGUMENT,
  'not-found': status.NOT_FOUND,
  'already-exists': status.ALREADY_EXISTS,
  'failed-precondition': status.FAILED_PRECONDITION,
  'permission-denied': status.PERMISSION_DENIED,
  'resource-exhausted': status.RESOURCE_EXHAUSTED,
  aborted: status.ABORTED,
  unavailable: status.UNAVAILABLE,
};

/** Metadata keys clients can rely on besides the status code and message. */
export const ERROR_CODE_KEY = 'error-code';
export const ERROR_FIELD_KEY = 'error-field';

/**
 * Domain errors become their status with the message and a stable `error-code` (and for bad
 * input `error-field`) in the trailers. Anything else is a bug: logged whole, answered as
 * INTERNAL without internals. A dependency that went away (the database cut the connection,
 * is restarting, refuses connections) is UNAVAILABLE naming it: the request failed through no
 * fault of its own and may be retried (idempotency keys make a retried write safe).
 */
export function toServiceError(error: unknown, logger: Logger): Partial<ServiceError> {
  if (error instanceof DomainError) {
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_KEY, error.code);
    if (error instanceof InvalidArgumentError) metadata.set(ERROR_FIELD_KEY, error.field);
    for (const [key, value] of Object.entries(error.details)) metadata.set(key, value);
    return { code: STATUS_BY_KIND[error.kind], details: error.message, metadata };
  }
  const away = unavailability(error);
  if (away) {
    logger.warn('dependency unavailable in RPC', { dependency: away.dependency, code: away.code });
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_KEY, 'DATABASE_UNAVAILABLE');
    return { code: status.UNAVAILABLE, details: `${away.dependency} unavailable (${away.code}); try again`, metadata };
  }
  logger.error('unexpected error in RPC', { error, stack: error instanceof Error ? error.stack : undefined });
  return { code: status.INTERNAL, details: 'internal error' };
}
