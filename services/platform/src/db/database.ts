import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';

/**
 * The one database type the services see, whether it is served by the Postgres server
 * (postgres-js driver) or by the embedded PGlite. Both drivers produce a PgDatabase.
 */
export type Database = PgDatabase<PgQueryResultHKT, Record<string, never>>;
export type Transaction = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;
/** Either: repositories accept both, so a use case decides where the transaction boundary is. */
export type Executor = Database | Transaction;

/** A database handle plus how to run its migrations and let it go. */
export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: 'postgres' | 'pglite';
  migrate(options: { migrationsFolder: string; schema: string }): Promise<void>;
  close(): Promise<void>;
}

/** Rows of a raw `execute` result: postgres-js returns an array, PGlite an object with rows. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
