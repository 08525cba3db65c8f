/**
 * The pause before start-up connection attempt n+1 (n >= 1): 100 ms doubling up to 5 s, the same
 * curve amqplib's recovery uses, so the broker and the database are waited for alike.
 */
export function startupRetryDelayMs(attempt: number): number {
  return Math.min(5000, 100 * 2 ** (attempt - 1));
}
