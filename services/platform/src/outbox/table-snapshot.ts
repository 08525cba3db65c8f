import { asc, getTableColumns, gt, type InferSelectModel } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../db/database.js';
import type { NewEvent } from '../events/event-type.js';
import { type StateSnapshot, snapshotPage } from './snapshot-replay.js';

/**
 * The snapshot of one table: its rows read a page at a time in `key` order (keyset paging, so a
 * long table is never held or sorted whole), each told as the events `toEvents` says it states.
 */
export function tableSnapshot<T extends PgTable>(
  db: Database,
  table: T,
  key: PgColumn,
  toEvents: (row: InferSelectModel<T>) => readonly NewEvent[],
): StateSnapshot {
  const property = Object.entries(getTableColumns(table)).find(([, column]) => column === key)?.[0];
  if (!property) throw new Error(`tableSnapshot: the key column ${key.name} is not a column of the table`);
  return {
    async page(after, limit) {
      const rows = (await db
        .select()
        .from(table as PgTable)
        .where(after === undefined ? undefined : gt(key, after))
        .orderBy(asc(key))
        .limit(limit)) as InferSelectModel<T>[];
      return snapshotPage(rows, limit, (row) => String((row as Record<string, unknown>)[property]), toEvents);
    },
  };
}
