import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { integer, pgSchema, text } from 'drizzle-orm/pg-core';
import type { DatabaseHandle } from '#platform/db/database';
import { SharedPglite } from '#platform/db/pglite-database';
import { openPostgresDatabase } from '#platform/db/postgres-database';
import { PreparedRead } from '#platform/db/prepared-read';
import { TransactionScope } from '#platform/db/transaction-scope';
import { TestSystem } from '#testing/test-system';

const probeSchema = pgSchema('prepared_read_probe');
const probes = probeSchema.table('probes', { id: text('id').primaryKey(), value: integer('value').notNull() });

const PROBE_BY_ID = new PreparedRead((executor) =>
  executor
    .select()
    .from(probes)
    .where(eq(probes.id, sql.placeholder('id')))
    .prepare('probe_by_id'),
);

/**
 * A prepared read (GetWallet's, GetMyPage's) is built once per database and reused; inside a
 * caller's transaction it must run in that transaction, seeing what it wrote and not yet
 * committed, as an unprepared read does. On both databases the platform runs on.
 */
for (const kind of ['postgres', 'pglite'] as const) {
  describe(`PreparedRead (${kind})`, function () {
    this.timeout(60_000);
    let system: TestSystem | undefined;
    let handle: DatabaseHandle;

    before(async () => {
      if (kind === 'postgres') {
        system = await TestSystem.create('servers');
        handle = openPostgresDatabase(system.config.databaseUrl as string, { poolSize: 2, applicationName: 'prepared-read-test' });
      } else handle = await new SharedPglite().open();
      await handle.db.execute(sql`create schema if not exists prepared_read_probe`);
      await handle.db.execute(sql`create table prepared_read_probe.probes (id text primary key, value integer not null)`);
    });

    after(async () => {
      await handle?.close();
      await system?.close();
    });

    it('reads with its placeholders filled in, the same prepared query for every call', async () => {
      const [first, second] = [randomUUID(), randomUUID()];
      await handle.db.insert(probes).values([
        { id: first, value: 1 },
        { id: second, value: 2 },
      ]);
      const scope = TransactionScope.database(handle.db);
      expect(await PROBE_BY_ID.run(scope, { id: first })).to.deep.equal([{ id: first, value: 1 }]);
      expect(await PROBE_BY_ID.run(scope, { id: second })).to.deep.equal([{ id: second, value: 2 }]);
      expect(await PROBE_BY_ID.run(scope, { id: randomUUID() })).to.deep.equal([]);
    });

    it("inside a caller's transaction it sees the transaction's own uncommitted write; outside it, it does not", async () => {
      const id = randomUUID();
      await handle.db
        .transaction(async (tx) => {
          await tx.insert(probes).values({ id, value: 7 });
          expect(await PROBE_BY_ID.run(TransactionScope.transaction(tx), { id })).to.deep.equal([{ id, value: 7 }]);
          if (kind === 'postgres') expect(await PROBE_BY_ID.run(TransactionScope.database(handle.db), { id })).to.deep.equal([]);
          throw new Error('roll back');
        })
        .catch((error: Error) => expect(error.message).to.equal('roll back'));
      expect(await PROBE_BY_ID.run(TransactionScope.database(handle.db), { id })).to.deep.equal([]);
    });
  });
}
