import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { Database, DatabaseHandle } from './database.js';

/**
 * The embedded database for a machine with no Postgres server. PGlite costs about 1 GB and
 * several seconds per instance, so the whole system shares one, each service in its own schema.
 * Closing is reference counted: the instance goes when the last service lets go.
 */
export class SharedPglite {
  private instance?: PGlite;
  private users = 0;

  constructor(private readonly dataDir?: string) {}

  async open(): Promise<DatabaseHandle> {
    this.instance ??= await PGlite.create(this.dataDir ?? 'memory://');
    this.users += 1;
    const client = this.instance;
    const db = drizzle(client) as unknown as Database;
    let closed = false;
    return {
      db,
      kind: 'pglite',
      migrate: async ({ migrationsFolder, schema }) => {
        await migrate(drizzle(client), { migrationsFolder, migrationsSchema: schema, migrationsTable: '__migrations' });
      },
      close: async () => {
        if (closed) return;
        closed = true;
        this.users -= 1;
        if (this.users === 0 && this.instance) {
          const instance = this.instance;
          this.instance = undefined;
          await instance.close();
        }
      },
    };
  }
}
