import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { Database, DatabaseHandle } from './database.js';
import { createInMemoryPglite } from './pglite-snapshot.js';

/**
 * The embedded database for a machine with no Postgres server. PGlite costs about 1 GB and
 * several seconds per instance, so the whole system shares one, each service in its own schema.
 * Closing is reference counted: the instance goes when the last service lets go.
 */
export class SharedPglite {
  /** The instance being created or created: services opening at once share one (each would cost ~1 GB). */
  private instance?: Promise<PGlite>;
  private users = 0;

  constructor(private readonly dataDir?: string) {}

  async open(): Promise<DatabaseHandle> {
    this.instance ??= this.dataDir ? PGlite.create(this.dataDir) : createInMemoryPglite();
    this.users += 1;
    const client = await this.instance.catch((error: unknown) => {
      this.users -= 1;
      this.instance = undefined;
      throw error;
    });
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
          await (await instance).close();
        }
      },
    };
  }
}
