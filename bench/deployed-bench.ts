/**
 * The platform as deployed: `npx tsx bench/deployed-bench.ts [--quick] [--ceiling-rate R] [--history N]`.
 * Runs `make up` itself (every service as its own processes, REPLICAS=2, the gateway in front,
 * the development identity provider) on a database, exchange and queue prefix of its own and on
 * ports of its own (base 13000, below the ephemeral range), then drives it over REST through the
 * gateway with real tokens, as a game server and players would:
 *   1. ready time of `make up` and the memory every process holds once it is up; then, not
 *      measured, N missions of history (default 3,000) and VACUUM ANALYZE, as autovacuum would
 *      have done by then in a system that has run for a few minutes (--history 300: a fresh one);
 *   2. sustained: AchieveMission as fast as C callers can, achieve -> wallet per mission
 *      (wallet.credited events), CPU seconds per 1,000 missions by process;
 *   3. latency: open loop at half of that sustained maximum; after each of 2 and 3, the time
 *      each hop of the chain took, read from the rows the services wrote (bench/chain-stages.ts);
 *   4. mixed: missions + exchanges (a tenth of the mission rate) + My Page reads (half of it) at
 *      once, open loop; by default at half the ceiling-derived rate (--ceiling-rate R: the
 *      one-transaction ceiling; the deployed target is 15% of it, the mixed load runs at half of
 *      that), counting time-outs and breaker refusals.
 * `make down` and the run's database, exchange and queues are removed at the end.
 * Prints one JSON line on stdout (the bench suite reads it), progress on stderr.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { status } from '@grpc/grpc-js';
import { TestSystem } from '#testing/test-system';
import { DevTokenClient } from '../services/identity/src/dev-token-client.js';
import { SERVICE_MODULES } from '../services/launcher/src/service-modules.js';
import { hostInfo, summarize } from './bench-report.js';
import { type AchieveMission, ChainBench } from './chain-bench.js';
import { chainStages, describeStages } from './chain-stages.js';
import { keptAliveAgent, send } from './kept-alive-http.js';
import { type LatencyStats, latencyStats } from './latency-stats.js';
import { runOpenLoop } from './open-loop-driver.js';
import { commonGroups, cpuSnapshot, cpuSpent, memoryOf, type ProcessGroup, perThousand, processTree } from './process-stats.js';
import { subscribeToWalletCredits } from './wallet-credit-feed.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Ports of the bench's own `make up`: base + 10 per service, + 100 per replica, metrics + 1000. */
const BASE_PORT = Number(process.env.BENCH_BASE_PORT ?? 13000);
const GATEWAY_PORT = BASE_PORT + 80;
const IDENTITY_PORT = BASE_PORT + 90;
const REQUEST_TIMEOUT_MS = 5_000;
const POOL_SIZE = process.env.BENCH_DEPLOYED_POOL_SIZE ?? '5';
const PLAYERS = 50;
const GIFTS = 20;

interface ClusterState {
  supervisorPid?: number;
  processes: { service: string; replica: number; port: number; pid: number }[];
}

/** A REST call's failure, shaped like a gRPC error so ChainBench tallies it by status name. */
class RestError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(details);
  }
}

/**
 * The load side's REST calls, over kept-alive connections (at most this many at once; more wait
 * for one, within their time-out), as a load tool makes them: fetch's own CPU per call would be
 * taken from the servers measured on the same cores.
 */
const agent = keptAliveAgent(512);

async function rest(url: string, token: string, method: 'GET' | 'POST', body?: unknown): Promise<Record<string, unknown>> {
  let answer: { status: number; body: string };
  try {
    answer = await send(agent, {
      url,
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      readBody: true,
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError';
    throw new RestError(timedOut ? status.DEADLINE_EXCEEDED : status.UNAVAILABLE, timedOut ? 'client time-out' : String(error));
  }
  const json = answer.body ? (JSON.parse(answer.body) as Record<string, unknown>) : {};
  if (answer.status < 200 || answer.status > 299)
    throw new RestError(Number(json.code ?? status.UNKNOWN), `HTTP ${answer.status}: ${String(json.message ?? answer.body)}`);
  return json;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

interface Tally {
  ok: number;
  errors: Record<string, number>;
  latencies: number[];
}

function tally(): Tally {
  return { ok: 0, errors: {}, latencies: [] };
}

async function timedInto(target: Tally, work: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  try {
    await work();
    target.ok += 1;
    target.latencies.push(performance.now() - started);
  } catch (error) {
    const { code, details } = error as RestError;
    const name = `${status[code] ?? 'UNKNOWN'}${details === 'client time-out' ? ' (client time-out)' : ''}`;
    target.errors[name] = (target.errors[name] ?? 0) + 1;
  }
}

function tallySummary(
  target: Tally,
  seconds: number,
): { ok: number; perSecond: number; errors: Record<string, number>; latencyMs: LatencyStats } {
  return { ok: target.ok, perSecond: Math.round(target.ok / seconds), errors: target.errors, latencyMs: latencyStats(target.latencies) };
}

/** Missions of history a deployed run starts on by default (see DeployedOptions.history). */
export const DEFAULT_HISTORY = 3000;
/** The warm-up alone (JIT, pools, channels): a fresh database, nothing vacuumed. */
const WARM_UP_ONLY = 300;

export interface DeployedOptions {
  readonly quick: boolean;
  /** The one-transaction ceiling of the mission job (missions/s); 0: the mixed load at the issue's own 200/s. */
  readonly ceilingRate: number;
  readonly concurrency: number;
  /**
   * Missions achieved before anything is measured; above WARM_UP_ONLY (300) the database is then
   * vacuumed and analyzed, so the run measures a system that has been running.
   */
  readonly history: number;
}

export async function runDeployed(options: DeployedOptions) {
  const host = hostInfo();
  const system = await TestSystem.create('servers', {});
  for (const module of SERVICE_MODULES) system.trackQueue(module.name);
  const clusterDir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCAL_CLUSTER_DIR: clusterDir,
    REPLICAS: '2',
    DATABASE_URL: system.config.databaseUrl,
    AMQP_URL: system.config.amqpUrl,
    EVENTS_EXCHANGE: system.config.eventsExchange,
    EVENTS_QUEUE_PREFIX: system.config.queuePrefix,
    GATEWAY_PORT: String(GATEWAY_PORT),
    IDENTITY_PORT: String(IDENTITY_PORT),
    // The edge's bucket for a game server (250/s by default) would cap the sustained phase at the
    // limit, not at the machine: the bench's game server gets room, the players keep theirs.
    GATEWAY_CLIENT_WRITES_BUCKET_SIZE: '1000000',
    // 14 replicas x the default pool of 10 would be 140 connections, past a default Postgres's
    // max_connections (100) that this server also shares with other work: 5 each by default.
    DATABASE_POOL_SIZE: POOL_SIZE,
    GATEWAY_CLIENT_WRITES_REFILL_TOKENS: '1000000',
    ...Object.fromEntries(SERVICE_MODULES.map((module, i) => [`${module.name.toUpperCase()}_GRPC_PORT`, String(BASE_PORT + 10 * i)])),
  };
  delete env.AUTH_ISSUER;
  log(`make up (2 replicas per service, ports from ${BASE_PORT}, state in ${clusterDir})`);
  const upStarted = performance.now();
  const up = await run('make', ['-s', 'up'], env);
  const readyMs = Math.round(performance.now() - upStarted);
  try {
    if (up.code !== 0) throw new Error(`make up failed (${up.code}):\n${up.output.slice(-3000)}`);
    log(`make up ready in ${(readyMs / 1000).toFixed(1)} s`);
    const state = JSON.parse(readFileSync(join(clusterDir, 'state.json'), 'utf8')) as ClusterState;
    const groups = processGroups(system, state);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const memoryAtReady = memoryOf(groups);
    return { host, readyMs, poolSizePerReplica: Number(POOL_SIZE), memoryAtReady, ...(await drive(system, groups, options)) };
  } finally {
    agent.destroy();
    const down = await run('make', ['-s', 'down'], env);
    if (down.code !== 0) log(`make down failed: ${down.output.slice(-2000)}`);
    rmSync(clusterDir, { recursive: true, force: true });
    await system.close();
  }
}

function processGroups(system: TestSystem, state: ClusterState): ProcessGroup[] {
  const database = new URL(system.config.databaseUrl as string).pathname.slice(1);
  const own = state.processes.map((p) => ({
    name: p.service === 'gateway' || p.service === 'identity' ? p.service : `${p.service}#${p.replica}`,
    pids: () => processTree(p.pid),
  }));
  const supervisor = state.supervisorPid ? [{ name: 'supervisor', pids: () => [state.supervisorPid as number] }] : [];
  return [
    ...commonGroups(database).map((group) => (group.name === 'bench process' ? { ...group, name: 'load generator (bench)' } : group)),
    ...supervisor,
    ...own,
  ];
}

async function drive(system: TestSystem, groups: ProcessGroup[], options: DeployedOptions) {
  const gateway = `http://127.0.0.1:${GATEWAY_PORT}`;
  const tokens = await DevTokenClient.discover(`http://localhost:${IDENTITY_PORT}`);
  const gameServer = await tokens.token('game-server');
  const operator = await tokens.token('operator');
  const achieve: AchieveMission = async (request) =>
    (await rest(`${gateway}/v1/missions`, gameServer, 'POST', request)) as unknown as { missionId: string };
  const bench = new ChainBench(achieve, { drainIdleMs: 15_000, log });
  const feed = await subscribeToWalletCredits(system, bench.onCredit);
  try {
    const q = options.quick;
    log(`[deployed] warm-up: ${options.history} missions${options.history > WARM_UP_ONLY ? ', then VACUUM ANALYZE' : ''}`);
    await bench.run({ phase: 'warmup', count: options.history, rate: 0, concurrency: 32 });
    await waitForQuiet(system);
    // What autovacuum does within a minute or two of a system's start: without it the whole run
    // measures a database in its first minute, whose statements were planned on nearly empty
    // tables and keep those plans (sequential scans, fine for ten rows) as the tables grow.
    if (options.history > WARM_UP_ONLY) await system.query('vacuum analyze');

    const measured = async (profile: Parameters<ChainBench['run']>[0]) => {
      log(`[deployed ${profile.phase}] ${profile.count} missions at ${profile.rate || 'unlimited'}/s, ${profile.concurrency} in flight`);
      const before = cpuSnapshot(groups);
      const summary = summarize(await bench.run(profile));
      await waitForQuiet(system);
      const spent = cpuSpent(before, cpuSnapshot(groups));
      // The phase's missions (ChainBench's event code names the phase), hop by hop.
      const stagesMs = await chainStages(system, `bench-${profile.phase}-`);
      log(
        `[deployed ${profile.phase}] ${summary.completedPerSecond}/s credited, achieve -> wallet p50 ${summary.achieveToWalletMs.p50} ms p99 ${summary.achieveToWalletMs.p99} ms`,
      );
      log(`[deployed ${profile.phase}] ${describeStages(stagesMs)}`);
      return { ...summary, cpuPer1000Missions: perThousand(spent, summary.completed), stagesMs };
    };
    const sustained = await measured({ phase: 'throughput', count: q ? 3000 : 8000, rate: 0, concurrency: options.concurrency });
    const halfRate = Math.max(10, Math.round(sustained.completedPerSecond / 2));
    const latency = await measured({ phase: 'latency', count: halfRate * (q ? 10 : 20), rate: halfRate, concurrency: 2000 });

    // The mixed load: half the ceiling-derived rate (15% of the one-transaction ceiling, halved).
    const missionRate = options.ceilingRate > 0 ? Math.max(10, Math.round(options.ceilingRate * 0.15 * 0.5)) : 200;
    const mixed = await mixedLoad(system, bench, groups, { gateway, tokens, operator, missionRate, seconds: q ? 15 : 30 });
    return { sustained, latency, mixed, memoryAfterLoad: memoryOf(groups) };
  } finally {
    await feed.close();
  }
}

async function mixedLoad(
  system: TestSystem,
  bench: ChainBench,
  groups: ProcessGroup[],
  setup: { gateway: string; tokens: DevTokenClient; operator: string; missionRate: number; seconds: number },
) {
  const { gateway, tokens, operator, missionRate, seconds } = setup;
  const exchangeRate = Math.max(1, Math.round(missionRate / 10));
  const readRate = Math.max(1, Math.round(missionRate / 2));
  const exchanges = exchangeRate * seconds;
  log(`[deployed mixed] preparing ${exchanges} rewards for ${PLAYERS} players and ${GIFTS} gifts`);
  for (let gift = 0; gift < GIFTS; gift += 1)
    await rest(`${gateway}/v1/gifts`, operator, 'POST', { giftId: `bench-gift-${gift}`, name: 'Bench gift', stockCount: 1_000_000 });
  const gameServer = await tokens.token('game-server');
  await runOpenLoop({ count: exchanges + PLAYERS, rate: 0, concurrency: 32 }, (i) =>
    rest(`${gateway}/v1/missions`, gameServer, 'POST', { customerId: `p-${i % PLAYERS}`, eventCode: 'mixed', missionCode: `x-${i}` }).then(
      () => undefined,
      () => undefined,
    ),
  );
  const deadline = Date.now() + 120_000;
  let rewards: { customer_id: string; reward_id: string }[] = [];
  while (Date.now() < deadline) {
    rewards = await system
      .query<{ customer_id: string; reward_id: string }>(
        `select customer_id, reward_id from wallet.wallet_rewards where customer_id like 'p-%' and status = 'available'`,
      )
      .catch(() => rewards);
    if (rewards.length >= exchanges) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await waitForQuiet(system);
  const playerTokens = new Map<string, string>();
  for (let player = 0; player < PLAYERS; player += 1) playerTokens.set(`p-${player}`, await tokens.playerToken(`p-${player}`));

  log(`[deployed mixed] ${missionRate} missions/s + ${exchangeRate} exchanges/s + ${readRate} My Page reads/s for ${seconds} s`);
  const exchangeTally = tally();
  const readTally = tally();
  const before = cpuSnapshot(groups);
  const started = performance.now();
  const [missions] = await Promise.all([
    bench.run({ phase: 'latency', count: missionRate * seconds, rate: missionRate, concurrency: 5000 }),
    runOpenLoop({ count: Math.min(exchanges, rewards.length), rate: exchangeRate, concurrency: 5000 }, (i) => {
      const { customer_id: customerId, reward_id: rewardId } = rewards[i];
      return timedInto(exchangeTally, () =>
        rest(`${gateway}/v1/wallets/${customerId}/rewards/${rewardId}:exchange`, playerTokens.get(customerId) as string, 'POST', {
          giftId: `bench-gift-${i % GIFTS}`,
          idempotencyKey: randomUUID(),
        }),
      );
    }),
    runOpenLoop({ count: readRate * seconds, rate: readRate, concurrency: 5000 }, (i) =>
      timedInto(readTally, () => rest(`${gateway}/v1/customers/c-${i % 1000}/my-page`, operator, 'GET')),
    ),
  ]);
  const elapsedS = (performance.now() - started) / 1000;
  await waitForQuiet(system);
  const chain = summarize(missions);
  const spent = cpuSpent(before, cpuSnapshot(groups));
  log(
    `[deployed mixed] missions ${chain.completedPerSecond}/s credited (p99 ${chain.achieveToWalletMs.p99} ms, errors ${JSON.stringify(chain.errors)}), exchanges ${exchangeTally.ok} ok ${JSON.stringify(exchangeTally.errors)}, reads ${readTally.ok} ok ${JSON.stringify(readTally.errors)}`,
  );
  return {
    offered: { missionsPerSecond: missionRate, exchangesPerSecond: exchangeRate, readsPerSecond: readRate, seconds },
    missions: { ...chain, cpuPer1000Missions: perThousand(spent, chain.completed) },
    exchanges: tallySummary(exchangeTally, elapsedS),
    reads: tallySummary(readTally, elapsedS),
  };
}

/**
 * Every outbox drained and every mission rewarded: the next phase starts on an idle system. A
 * check that fails (a shared server out of connections, 53300) is only tried again.
 */
async function waitForQuiet(system: TestSystem): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const pending = await pendingWork(system).catch((error: unknown) => {
      log(`[deployed] quiet check failed (${String(error)}); trying again`);
      return -1;
    });
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  log('[deployed] still busy after 60 s; going on');
}

async function pendingWork(system: TestSystem): Promise<number> {
  let pending = await system.count('mission.missions', 'reward_id is null');
  for (const schema of ['mission', 'reward', 'wallet', 'gift', 'delivery'])
    pending += await system.count(`${schema}.outbox_events`, 'published_at is null');
  pending += await system.count('notification.deliveries', 'sent_at is null and failed_at is null');
  if (pending > 0) return pending;
  // The read models too: My Page and the notices lag the wallet under load, and a phase that
  // starts while they still work through the last one's events is measured on a busy machine.
  // Asked last, once the database is quiet: each check opens a broker connection.
  return system.queuedCount(SERVICE_MODULES.map((module) => module.name));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'ceiling-rate': { type: 'string', default: '0' },
      concurrency: { type: 'string', default: '64' },
      history: { type: 'string', default: String(DEFAULT_HISTORY) },
    },
  });
  const result = await runDeployed({
    quick: values.quick ?? false,
    ceilingRate: Number(values['ceiling-rate']),
    concurrency: Number(values.concurrency),
    history: Number(values.history),
  });
  console.log(JSON.stringify({ bench: 'deployed', ...result }));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
