/**
 * A bound on how long the platform waits for one database transaction to settle. The patched
 * driver still loses a query now and then when its connection is cut mid-transaction: the query
 * never settles although no backend holds it (docs/postgres-driver-patch.md, "one case is still
 * open"), so the server's idle_in_transaction_session_timeout cannot end it. Unbounded, an event
 * consumer then held its prefetched events for good (they are neither applied nor redelivered)
 * and a relay stopped publishing. Past the deadline the caller gets a DATABASE_STALLED error,
 * which counts as the database being unavailable (infrastructure-error.ts): a consumer holds its
 * events and applies them again in a new transaction, the relay retries its batch. Both are safe
 * to repeat: the inbox applies an event once, the relay's rows are marked in the same transaction.
 */
export const TRANSACTION_DEADLINE_MS = 30_000;

export class TransactionStalledError extends Error {
  readonly code = 'DATABASE_STALLED';

  constructor(what: string, ms: number) {
    super(`${what} did not settle within ${ms} ms; abandoned, to be tried again`);
    this.name = 'TransactionStalledError';
  }
}

/** The work's result, or a TransactionStalledError if it has not settled within ms. */
export function settledWithin<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransactionStalledError(what, ms)), ms);
    timer.unref();
  });
  // The abandoned work may still fail later: nobody awaits it any more.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
