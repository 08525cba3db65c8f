import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Database, DatabaseHandle } from './database.js';

/** A pooled connection to the Postgres server, one pool per service. */
export function openPostgresDatabase(url: string, options: { poolSize: number; applicationName: string }): DatabaseHandle {
  const client = postgres(url, {
    max: options.poolSize,
    onnotice: () => {},
    connection: { application_name: options.applicationName },
  });
  const db = drizzle(client) as unknown as Database;
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
