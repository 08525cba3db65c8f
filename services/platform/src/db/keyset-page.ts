import { lt, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Keyset paging, newest first, on a table's `seq` column: stable under concurrent inserts,
 * unlike OFFSET. A page query filters with seqBefore, orders by seq descending and fetches
 * size + 1 rows; toPage turns that into the page and the cursor of the next one.
 */
export function seqBefore(seq: PgColumn, before: number | undefined): SQL | undefined {
  return before === undefined ? undefined : lt(seq, before);
}

export function toPage<Row extends { seq: number }, Item>(
  rows: readonly Row[],
  size: number,
  toItem: (row: Row) => Item,
): { items: Item[]; nextBefore?: number } {
  const pageRows = rows.slice(0, size);
  return {
    items: pageRows.map(toItem),
    nextBefore: rows.length > size ? pageRows[pageRows.length - 1].seq : undefined,
  };
}
