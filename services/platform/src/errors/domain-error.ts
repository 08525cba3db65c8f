/**
 * Errors the domain and application layers raise. Each carries a transport-neutral kind
 * (mapped to a gRPC status by the gRPC adapter, and from there to HTTP by the gateway) and a
 * stable machine-readable code, so clients never have to parse messages.
 */
export type ErrorKind =
  | 'invalid-argument'
  | 'not-found'
  | 'already-exists'
  | 'failed-precondition'
  | 'permission-denied'
  | 'resource-exhausted'
  | 'aborted'
  | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  /** Stable, SCREAMING_SNAKE code, e.g. MISSION_ALREADY_ACHIEVED. */
  abstract readonly code: string;
  /** Extra facts a client can act on (e.g. retry-after-ms), sent as response trailers. */
  readonly details: Readonly<Record<string, string>> = {};
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A request field is malformed. The message always starts with the field's name. */
export class InvalidArgumentError extends DomainError {
  readonly kind = 'invalid-argument' as const;
  readonly code = 'INVALID_ARGUMENT';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
