/**
 * How many items of a batch share each key, counted in one pass: a consumed or published batch
 * repeats a handful of label sets (event type, outcome) hundreds of times, and prom-client hashes
 * and validates the labels on every inc() (1-2 µs each, a few per event on the chain), so a batch
 * is counted with one inc(labels, n) per set instead of one per item.
 */
export function tallyBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, { first: T; count: number }> {
  const tally = new Map<string, { first: T; count: number }>();
  for (const item of items) {
    const key = keyOf(item);
    const entry = tally.get(key);
    if (entry) entry.count += 1;
    else tally.set(key, { first: item, count: 1 });
  }
  return tally;
}
