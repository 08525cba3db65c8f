import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { and, eq, lte, sql } from 'drizzle-orm';
import { integer, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import { BuiltQuery, placeholder, placeholders } from '#platform/db/built-query';
import type { DatabaseHandle } from '#platform/db/database';
import { SharedPglite } from '#platform/db/pglite-database';
import { openPostgresDatabase } from '#platform/db/postgres-database';
import { TestSystem } from '#testing/test-system';

const probeSchema = pgSchema('prepared_read_probe');
const probes = probeSchema.table('probes', {
  id: text('id').primaryKey(),
  value: integer('value').notNull(),
  seenAt: timestamp('seen_at', { withTimezone: true }),
});

const PROBE_BY_ID = new BuiltQuery('probe_by_id', (executor) =>
  executor
    .select()
    .from(probes)
    .where(eq(probes.id, sql.placeholder('id'))),
);
const ADD_PROBE = new BuiltQuery('add_probe', (executor) =>
  executor
    .insert(probes)
    .values(placeholders('id', 'value', 'seenAt'))
    .onConflictDoUpdate({ target: probes.id, set: placeholders('value', 'seenAt') }),
);
const SEEN_BY = new BuiltQuery('probe_seen_by', (executor) =>
  executor
    .select({ id: probes.id })
    .from(probes)
    .where(and(eq(probes.id, sql.placeholder('id')), lte(probes.seenAt, placeholder('by', probes.seenAt)))),
);
const MOVE_PROBE = new BuiltQuery('move_probe', (executor) =>
  executor
    .update(probes)
    .set({ value: sql`${probes.value} + ${sql.placeholder('by')}` })
    .where(eq(probes.id, sql.placeholder('id')))
    .returning({ value: probes.value }),
);

/**
 * A statement built once (GetWallet's and GetMyPage's reads, the exchange's locks and saves) runs
 * on whichever executor it is given: inside a caller's transaction it must run in that
 * transaction, seeing what it wrote and not yet committed and rolled back with it, as a statement
 * built per call does; its values are encoded by their columns (a Date to a timestamp, null).
 * On both databases the platform runs on.
 */
for (const kind of ['postgres', 'pglite'] as const) {
  describe(`BuiltQuery (${kind})`, function () {
    this.timeout(60_000);
    let system: TestSystem | undefined;
    let handle: DatabaseHandle;

    before(async () => {
      if (kind === 'postgres') {
        system = await TestSystem.create('servers');
        handle = openPostgresDatabase(system.config.databaseUrl as string, { poolSize: 2, applicationName: 'built-query-test' });
      } else handle = await new SharedPglite().open();
      await handle.db.execute(sql`create schema if not exists prepared_read_probe`);
      await handle.db.execute(
        sql`create table prepared_read_probe.probes (id text primary key, value integer not null, seen_at timestamptz)`,
      );
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
      expect(await PROBE_BY_ID.run(handle.db, { id: first })).to.deep.equal([{ id: first, value: 1, seenAt: null }]);
      expect(await PROBE_BY_ID.run(handle.db, { id: second })).to.deep.equal([{ id: second, value: 2, seenAt: null }]);
      expect(await PROBE_BY_ID.run(handle.db, { id: randomUUID() })).to.deep.equal([]);
    });

    it("inside a caller's transaction it sees the transaction's own uncommitted write; outside it, it does not", async () => {
      const id = randomUUID();
      await handle.db
        .transaction(async (tx) => {
          await tx.insert(probes).values({ id, value: 7 });
          expect(await PROBE_BY_ID.run(tx, { id })).to.deep.equal([{ id, value: 7, seenAt: null }]);
          if (kind === 'postgres') expect(await PROBE_BY_ID.run(handle.db, { id })).to.deep.equal([]);
          throw new Error('roll back');
        })
        .catch((error: Error) => expect(error.message).to.equal('roll back'));
      expect(await PROBE_BY_ID.run(handle.db, { id })).to.deep.equal([]);
    });

    it('writes (an upsert, an update returning rows) in the transaction it is given, encoding each value by its column', async () => {
      const [kept, rolledBack] = [randomUUID(), randomUUID()];
      const seenAt = new Date('2026-12-07T10:00:00.123Z');
      await handle.db.transaction(async (tx) => {
        await ADD_PROBE.run(tx, { id: kept, value: 1, seenAt });
        await ADD_PROBE.run(tx, { id: kept, value: 5, seenAt: null });
        expect(await MOVE_PROBE.run(tx, { id: kept, by: 2 })).to.deep.equal([{ value: 7 }]);
      });
      await handle.db
        .transaction(async (tx) => {
          await ADD_PROBE.run(tx, { id: rolledBack, value: 1, seenAt });
          expect(await MOVE_PROBE.run(tx, { id: kept, by: 100 })).to.deep.equal([{ value: 107 }]);
          throw new Error('roll back');
        })
        .catch((error: Error) => expect(error.message).to.equal('roll back'));
      expect(await PROBE_BY_ID.run(handle.db, { id: kept })).to.deep.equal([{ id: kept, value: 7, seenAt: null }]);
      expect(await PROBE_BY_ID.run(handle.db, { id: rolledBack })).to.deep.equal([]);
      await ADD_PROBE.run(handle.db, { id: rolledBack, value: 3, seenAt });
      expect(await PROBE_BY_ID.run(handle.db, { id: rolledBack })).to.deep.equal([{ id: rolledBack, value: 3, seenAt }]);
      expect(await MOVE_PROBE.run(handle.db, { id: randomUUID(), by: 1 })).to.deep.equal([]);
      // A Date compared in a condition, encoded by the column it is compared with.
      expect(await SEEN_BY.run(handle.db, { id: rolledBack, by: seenAt })).to.deep.equal([{ id: rolledBack }]);
      expect(await SEEN_BY.run(handle.db, { id: rolledBack, by: new Date(seenAt.getTime() - 1) })).to.deep.equal([]);
    });

    it('runs started together in a transaction reach the database in the order they were started', async () => {
      // What the outbox relay relies on when it sends its lock and its read at once (the read
      // must run after the lock): each run adds its own amount and returns the running total,
      // so the totals show the order the statements ran in.
      const id = randomUUID();
      await ADD_PROBE.run(handle.db, { id, value: 0, seenAt: null });
      const amounts = Array.from({ length: 12 }, (_, i) => 2 ** i);
      const totals = await handle.db.transaction((tx) => Promise.all(amounts.map((by) => MOVE_PROBE.run(tx, { id, by }))));
      let running = 0;
      expect(totals.map(([row]) => row.value)).to.deep.equal(amounts.map((by) => (running += by)));
    });

    it('refuses a run that leaves a placeholder without a value, and changes nothing', async () => {
      const id = randomUUID();
      let refused: Error | undefined;
      await ADD_PROBE.run(handle.db, { id, value: 1 }).catch((error: Error) => {
        refused = error;
      });
      expect(refused?.message).to.match(/seenAt/);
      expect(await PROBE_BY_ID.run(handle.db, { id })).to.deep.equal([]);
    });
  });
}
