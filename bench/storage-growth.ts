/**
 * What a run of missions leaves on disk, and what retention takes back:
 *
 *   npx tsx bench/storage-growth.ts [--count 100000] [--concurrency 256] [--max-minutes 20]
 *
 * Starts mission, reward and wallet (the chain every mission goes through) in this process on an isolated database and
 * exchange (the tests' harness), measures every table of their schemas (exact rows, table +
 * indexes + TOAST), drives AchieveMission until `count` missions are credited or the time is
 * up, measures again, then ages every published outbox row and every inbox row past the
 * default windows and runs each service's retention sweep (the same task the services run
 * every RETENTION_SWEEP_MS), and measures a third time: rows, size right after the DELETEs,
 * and size after a plain VACUUM (what autovacuum does: space reusable, files not shrunk).
 * Prints the three tables and a JSON line; the database is dropped at the end.
 */
import { parseArgs } from 'node:util';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';
import { summarize } from './bench-report.js';
import { achieveOverGrpc, ChainBench } from './chain-bench.js';
import { subscribeToWalletCredits } from './wallet-credit-feed.js';

const SERVICES = ['mission', 'reward', 'wallet'] as const;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface TableSize {
  readonly table: string;
  readonly rows: number;
  readonly bytes: number;
}

async function sizes(system: TestSystem): Promise<TableSize[]> {
  const tables = await system.query<{ table: string; bytes: string }>(`
    select format('%I.%I', n.nspname, c.relname) as table, pg_total_relation_size(c.oid)::text as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname in (${SERVICES.map((name) => `'${name}'`).join(', ')}) and c.relname <> '__migrations'
    order by 1`);
  const result: TableSize[] = [];
  for (const { table, bytes } of tables) result.push({ table, rows: await system.count(table), bytes: Number(bytes) });
  return result;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function report(title: string, before: TableSize[], ...after: { label: string; sizes: TableSize[] }[]): string {
  const lines = [title, `${'table'.padEnd(28)} ${'before'.padStart(18)} ${after.map((a) => a.label.padStart(22)).join(' ')}`];
  for (const row of before) {
    const cells = after.map(({ sizes: other }) => {
      const match = other.find((candidate) => candidate.table === row.table);
      return `${String(match?.rows ?? 0).padStart(8)} ${mb(match?.bytes ?? 0).padStart(11)}`.padStart(22);
    });
    lines.push(`${row.table.padEnd(28)} ${`${row.rows} ${mb(row.bytes)}`.padStart(18)} ${cells.join(' ')}`);
  }
  const total = (list: TableSize[]) => mb(list.reduce((sum, row) => sum + row.bytes, 0));
  lines.push(`${'total'.padEnd(28)} ${total(before).padStart(18)} ${after.map((a) => total(a.sizes).padStart(22)).join(' ')}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '256' },
      'max-minutes': { type: 'string', default: '20' },
    },
  });
  const count = Number(values.count);
  const concurrency = Number(values.concurrency);
  const maxMs = Number(values['max-minutes']) * 60_000;
  const system = await TestSystem.create('servers', { OUTBOX_POLL_MS: '500', EVENTS_RETRY_DELAY_MS: '1000', EVENTS_MAX_ATTEMPTS: '5' });
  process.once('SIGINT', () => void system.close().finally(() => process.exit(130)));
  try {
    await system.start(walletModule);
    await system.start(rewardModule);
    await system.start(missionModule);
    const empty = await sizes(system);

    const missions = system.missionClient();
    const bench = new ChainBench(achieveOverGrpc(missions), { drainIdleMs: 15_000, log });
    const feed = await subscribeToWalletCredits(system, bench.onCredit);
    const started = performance.now();
    let credited = 0;
    try {
      // In rounds, so the time limit is checked between them.
      const round = Math.min(count, 10_000);
      while (credited < count && performance.now() - started < maxMs) {
        const summary = summarize(await bench.run({ phase: 'throughput', count: Math.min(round, count - credited), rate: 0, concurrency }));
        credited += summary.completed;
        log(
          `${credited} missions credited after ${((performance.now() - started) / 1000).toFixed(0)} s (${summary.completedPerSecond}/s this round)`,
        );
      }
    } finally {
      await feed.close();
      missions.close();
    }
    const elapsedS = (performance.now() - started) / 1000;
    // The chain's tail: missions record their rewards, mypage applies the last events.
    for (let quiet = false; !quiet; ) {
      const pending =
        (await system.count('mission.missions', 'reward_id is null')) +
        (
          await Promise.all(['mission', 'reward', 'wallet'].map((name) => system.count(`${name}.outbox_events`, 'published_at is null')))
        ).reduce((sum, n) => sum + n, 0);
      quiet = pending === 0;
      if (!quiet) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const loaded = await sizes(system);

    // Past the default windows (7 days outbox, 14 days inbox), then each service's own sweep.
    for (const name of SERVICES) {
      await system.query(`update ${name}.inbox_events set processed_at = processed_at - interval '15 days'`);
      await system.query(`update ${name}.outbox_events set published_at = published_at - interval '15 days'`);
    }
    const pruneStarted = performance.now();
    for (const name of SERVICES) {
      const task = system.instancesOf(name)[0].service.tasks.find((candidate) => candidate.name === 'storage-retention');
      await task?.runOnce();
    }
    const pruneS = (performance.now() - pruneStarted) / 1000;
    const pruned = await sizes(system);
    for (const { table } of pruned) await system.query(`vacuum ${table}`);
    const vacuumed = await sizes(system);

    console.log(`${credited} missions credited in ${elapsedS.toFixed(0)} s; retention sweep took ${pruneS.toFixed(1)} s`);
    console.log(
      report(
        'rows and total size (table + indexes + TOAST) per table',
        empty,
        { label: 'after the run', sizes: loaded },
        { label: 'after pruning', sizes: pruned },
        { label: 'after VACUUM', sizes: vacuumed },
      ),
    );
    console.log(JSON.stringify({ credited, elapsedS, pruneS, empty, loaded, pruned, vacuumed }));
  } finally {
    await system.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
