/**
 * Recognises failures of the infrastructure rather than of the request: the database is away,
 * restarting, or cut the connection. (Request paths never wait on the broker: events leave
 * through the outbox, and the bus reconnects on its own.) Such a failure says nothing about the
 * request or the event, so callers answer UNAVAILABLE (the client may retry) and consumers wait
 * instead of counting it as an attempt. Anything not recognised here stays a bug (INTERNAL).
 */
export interface Unavailability {
  /** What is unavailable, for the status message. */
  readonly dependency: 'database';
  /** The driver's own code (CONNECTION_CLOSED, ECONNREFUSED, 57P01, ...). */
  readonly code: string;
}

/** postgres-js' connection errors and the socket errors under them. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // A transaction the driver lost, abandoned at its deadline (db/transaction-deadline.ts).
  'DATABASE_STALLED',
]);

/**
 * SQLSTATEs of a server going away or refusing work for now: class 08 (connection exception),
 * 57P01-57P05 (administrator/crash shutdown, cannot connect now, idle timeouts), 53300 (too many
 * connections). Deadlocks and serialization failures (40xxx) are not here: retrying those is
 * the transaction's business, not the client's.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || /^57P0[1-5]$/.test(code) || code === '53300';
}

/** The error and its causes (drizzle wraps driver errors in DrizzleQueryError.cause). */
function* causes(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

export function unavailability(error: unknown): Unavailability | undefined {
  for (const cause of causes(error)) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (CONNECTION_CODES.has(code) || isUnavailableSqlState(code)) return { dependency: 'database', code };
  }
  return undefined;
}
