/**
 * The machine's ceiling for the platform's jobs: `npx tsx bench/ceiling-bench.ts [--quick]`.
 * The same work the platform does, as ONE local transaction each, through the same `postgres`
 * driver, on the real tables (the services' own migrations, in a database of its own):
 *   - mission job:  insert the mission (rewarded), its reward and the wallet row;
 *   - exchange job: lock the wallet's reward, take the gift's stock, insert the gift order and
 *                   mark the reward spent;
 * (The read's ceiling, a primary-key SELECT of the stored page row, is measured by the My Page
 * bench beside GetMyPage, on the very row the service reads.)
 * No events, no outbox, no broker, no gRPC: what the platform's figures are divided by.
 * Prints one JSON line on stdout (the bench suite reads it), a summary on stderr.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openPostgresDatabase } from '#platform/db/postgres-database';
import { TEST_DATABASE_URL } from '#testing/test-system';
import { giftModule } from '../services/gift/src/composition-root.js';
import { missionModule } from '../services/mission/src/composition-root.js';
import { rewardModule } from '../services/reward/src/composition-root.js';
import { walletModule } from '../services/wallet/src/composition-root.js';
import { hostInfo } from './bench-report.js';
import { type LatencyStats, latencyStats } from './latency-stats.js';
import { runOpenLoop } from './open-loop-driver.js';
import { commonGroups, cpuSnapshot, cpuSpent, perThousand } from './process-stats.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const GIFTS = 20;

export interface CeilingPhase {
  readonly job: string;
  readonly count: number;
  readonly concurrency: number;
  readonly connections: number;
  readonly perSecond: number;
  readonly latencyMs: LatencyStats;
  readonly errors: number;
  /** CPU seconds per 1,000 jobs by process group. */
  readonly cpuPerThousand: Record<string, number>;
}

export interface CeilingOptions {
  readonly missions: number;
  readonly exchanges: number;
  /** Jobs in flight (queued on the pool beyond its connections), as the chain bench's callers. */
  readonly concurrency: number;
  /** Pool size: the platform's default DATABASE_POOL_SIZE. */
  readonly connections: number;
  /** Exchanges in flight: the exchange bench's (8, where the issue states its latency target). */
  readonly exchangeConcurrency: number;
}

async function timed(
  job: string,
  options: { count: number; concurrency: number; connections: number; database: string },
  once: (index: number) => Promise<unknown>,
): Promise<CeilingPhase> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const groups = commonGroups(options.database);
  const before = cpuSnapshot(groups);
  const loop = await runOpenLoop({ count: options.count, rate: 0, concurrency: options.concurrency }, async (index) => {
    const started = performance.now();
    try {
      await once(index);
      latencies.push(performance.now() - started);
    } catch (error) {
      errors += 1;
      firstError ??= error;
    }
  });
  const elapsedMs = performance.now() - loop.startedAt;
  const spent = cpuSpent(before, cpuSnapshot(groups));
  if (firstError) log(`[ceiling ${job}] ${errors} errors, e.g. ${String(firstError)}`);
  const phase = {
    job,
    count: options.count,
    concurrency: options.concurrency,
    connections: options.connections,
    perSecond: Math.round((latencies.length * 1000) / elapsedMs),
    latencyMs: latencyStats(latencies),
    errors,
    cpuPerThousand: perThousand(spent, latencies.length),
  };
  log(
    `[ceiling ${job}] ${phase.perSecond}/s, p50 ${phase.latencyMs.p50} ms, p99 ${phase.latencyMs.p99} ms (${options.concurrency} in flight)`,
  );
  return phase;
}

export async function runCeiling(options: CeilingOptions): Promise<CeilingPhase[]> {
  const database = `bench_ceiling_${Date.now().toString(36)}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${database}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  try {
    const handle = openPostgresDatabase(url.toString(), { poolSize: 1, applicationName: 'bench-ceiling-migrate' });
    for (const module of [missionModule, rewardModule, walletModule, giftModule])
      await handle.migrate({ migrationsFolder: module.migrationsFolder, schema: module.schema });
    await handle.close();
    const sql = postgres(url.toString(), { max: options.connections, onnotice: () => {} });
    try {
      return await runJobs(sql, database, options);
    } finally {
      await sql.end({ timeout: 5 });
    }
  } finally {
    await admin.unsafe(`drop database if exists "${database}" with (force)`).catch(() => {});
    await admin.end();
  }
}

async function runJobs(sql: postgres.Sql, database: string, options: CeilingOptions): Promise<CeilingPhase[]> {
  const shape = { concurrency: options.concurrency, connections: options.connections, database };
  const phases: CeilingPhase[] = [];
  const runId = randomUUID().slice(0, 8);
  // Warm-up: connections open, statements prepared.
  const mission = (index: number, eventCode: string) => {
    const missionId = randomUUID();
    const rewardId = randomUUID();
    const customerId = `c-${index}`;
    return sql.begin(async (tx) => {
      await tx`insert into mission.missions (id, customer_id, event_code, mission_code, status, reward_id, achieved_at, rewarded_at)
               values (${missionId}, ${customerId}, ${eventCode}, ${`m-${index}`}, 'rewarded', ${rewardId}, now(), now())`;
      await tx`insert into reward.rewards (id, mission_id, customer_id, status, issued_at)
               values (${rewardId}, ${missionId}, ${customerId}, 'issued', now())`;
      await tx`insert into wallet.wallet_rewards (reward_id, customer_id, mission_id, status, added_at)
               values (${rewardId}, ${customerId}, ${missionId}, 'available', now())`;
    });
  };
  await timed('warm-up', { ...shape, count: 200 }, (i) => mission(i, `warm-${runId}`));
  phases.push(
    await timed('mission: mission + reward + wallet row', { ...shape, count: options.missions }, (i) => mission(i, `ceiling-${runId}`)),
  );

  // The exchange: rewards to spend (one per job) and gifts with ample stock, spread as the exchange bench spreads them.
  const total = options.exchanges + 200;
  await sql`insert into wallet.wallet_rewards (reward_id, customer_id, mission_id, status, added_at)
            select gen_random_uuid(), 'x-' || (n % 500), gen_random_uuid(), 'available', now() from generate_series(1, ${total}) n`;
  const spendable = await sql<{ reward_id: string; customer_id: string }[]>`
    select reward_id, customer_id from wallet.wallet_rewards where customer_id like 'x-%' and status = 'available'`;
  for (let gift = 0; gift < GIFTS; gift += 1) {
    await sql`insert into gift.gifts (gift_id, name, stock_count, reserved_count, created_at, updated_at)
              values (${`g-${gift}`}, 'Bench gift', 100000000, 0, now(), now())`;
  }
  const exchange = (index: number) => {
    const { reward_id: rewardId, customer_id: customerId } = spendable[index];
    const giftId = `g-${index % GIFTS}`;
    const orderId = randomUUID();
    return sql.begin(async (tx) => {
      const [reward] = await tx`select status from wallet.wallet_rewards where reward_id = ${rewardId} for update`;
      if (reward?.status !== 'available') throw new Error('reward not available');
      const [gift] = await tx`update gift.gifts set stock_count = stock_count - 1, updated_at = now()
                              where gift_id = ${giftId} and stock_count > 0 returning name`;
      if (!gift) throw new Error('out of stock');
      await tx`insert into gift.gift_orders (order_id, customer_id, gift_id, gift_name, reward_id, status, stock_state, reserved_until, placed_at, updated_at)
               values (${orderId}, ${customerId}, ${giftId}, ${gift.name}, ${rewardId}, 'paid', 'deducted', now(), now(), now())`;
      await tx`update wallet.wallet_rewards set status = 'spent', order_id = ${orderId} where reward_id = ${rewardId}`;
    });
  };
  await timed('warm-up', { ...shape, count: 200 }, (i) => exchange(i));
  phases.push(
    await timed(
      'exchange: lock reward + take stock + insert order',
      { ...shape, concurrency: options.exchangeConcurrency, count: options.exchanges },
      (i) => exchange(i + 200),
    ),
  );

  return phases.filter((phase) => phase.job !== 'warm-up');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      missions: { type: 'string' },
      exchanges: { type: 'string' },
      concurrency: { type: 'string', default: '256' },
      connections: { type: 'string', default: '10' },
      'exchange-concurrency': { type: 'string', default: '8' },
    },
  });
  const host = hostInfo();
  const quick = values.quick ?? false;
  const phases = await runCeiling({
    missions: Number(values.missions ?? (quick ? 3000 : 10000)),
    exchanges: Number(values.exchanges ?? (quick ? 2000 : 5000)),
    concurrency: Number(values.concurrency),
    connections: Number(values.connections),
    exchangeConcurrency: Number(values['exchange-concurrency']),
  });
  console.log(JSON.stringify({ bench: 'ceiling', host, phases }));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
