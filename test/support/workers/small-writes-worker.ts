/**
 * A process that keeps small writes queued on a pool the way a service does (drizzle over the
 * patched postgres driver, short transactions of statements far under the driver's 1 KiB write
 * batch), until it is told to stop on stdin. It prints one JSON line of what happened: the test
 * around it terminates the pool's backends meanwhile, and only a living process can print.
 */
import { sql } from 'drizzle-orm';
import { openPostgresDatabase } from '#platform/db/postgres-database';

const url = process.env.DATABASE_URL as string;
const handle = openPostgresDatabase(url, { poolSize: 4, applicationName: process.env.APP_NAME ?? 'small-writes' });
await handle.db.execute(sql`create table if not exists small_writes (id bigserial primary key, note text not null)`);

let stopping = false;
let committed = 0;
const failures: Record<string, number> = {};
const step = new Map<number, string>();
const stopped = new Promise<void>((resolve) =>
  process.stdin.once('data', () => {
    stopping = true;
    resolve();
  }),
);

async function writer(id: number): Promise<void> {
  while (!stopping) {
    try {
      step.set(id, 'begin');
      await handle.db.transaction(async (tx) => {
        step.set(id, 'insert');
        await tx.execute(sql`insert into small_writes (note) values (${'n'})`);
        step.set(id, 'select');
        await tx.execute(sql`select 1`);
        step.set(id, 'commit');
      });
      committed += 1;
    } catch (error) {
      const code = String((error as { code?: string }).code ?? (error as Error).message);
      failures[code] = (failures[code] ?? 0) + 1;
    }
    step.set(id, 'idle');
  }
}

process.stdout.write('ready\n');
const writers = Promise.all(Array.from({ length: 24 }, (_, id) => writer(id)));
await stopped;
// Writers finish their transaction in flight; one still pending long after its connection died
// is reported as stuck (a known driver limit, see docs/postgres-driver-patch.md), not awaited.
await Promise.race([writers, new Promise((resolve) => setTimeout(resolve, 15_000))]);
const stuck = [...step.entries()].filter(([, where]) => where !== 'idle').map(([id, where]) => `${id}:${where}`);
const [row] = (await handle.db.execute(sql`select count(*)::int as n from small_writes`)) as unknown as { n: number }[];
process.stdout.write(`${JSON.stringify({ committed, stored: row.n, failures, stuck })}\n`);
await handle.close();
process.exit(0);
