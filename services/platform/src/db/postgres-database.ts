import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database, DatabaseHandle } from './database.js';
import { preparingRepeatedStatements } from './prepared-statements.js';

/**
 * A session left idle inside a transaction this long is ended by the server. Our transactions
 * are a few statements long, so only a transaction whose client lost track of it (the driver
 * can, when its connection is cut mid-transaction) ever reaches it; ending the session settles
 * that client's waiting query with a connection error instead of leaving it pending for good.
 */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

/**
 * A pooled connection to the Postgres server, one pool per service. The driver is patched
 * (patches/postgres+3.4.9.patch) so a connection dying under queued writes rejects the queries
 * on it instead of throwing where nothing can catch it.
 */
export function openPostgresDatabase(url: string, options: { poolSize: number; applicationName: string }): DatabaseHandle {
  const client = postgres(url, {
    max: options.poolSize,
    onnotice: () => {},
    connection: { application_name: options.applicationName, idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS },
  });
  // Hot statements run prepared: one round trip and no server-side parse (prepared-statements.ts).
  const db = drizzle(preparingRepeatedStatements(client)) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    migrate: async ({ migrationsFolder, schema }) => {
      // Each service keeps its migration history in its own schema, so services migrate independently.
      await migrate(drizzle(client), { migrationsFolder, migrationsSchema: schema, migrationsTable: '__migrations' });
    },
    close: () => client.end({ timeout: 5 }),
  };
}
