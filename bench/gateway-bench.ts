/**
 * REST through the gateway against direct gRPC, for a read (GetWallet) and a write
 * (ExchangeReward): `npx tsx bench/gateway-bench.ts [--concurrency 16] [--seconds 5]`.
 *
 * Starts mission, reward, wallet, gift and delivery in this process on an isolated database and
 * exchange (the tests' harness) with the gateway in front, as `npm start` runs them. The callers
 * run in a worker thread (bench/gateway-bench-client.ts), a closed loop of N concurrent callers
 * per phase; each reward is exchanged once, so the pool of rewards is built first (MissionAchieved
 * events straight onto the exchange) and the platform is left to go quiet between phases.
 *
 * Every call carries a real token of the harness's provider (GetWallet: the operator's;
 * ExchangeReward: each customer's own, signed in with code + PKCE up front), which the services
 * verify. GetWallet also runs through a second gateway whose own token check is skipped (a
 * bench-only verifier that trusts every token; the services still verify), in the same run, so
 * the difference of the two REST rows is what the gateway's verification costs.
 *
 * GetWallet over gRPC and over REST runs in --rounds rounds of ABBA order (gRPC, REST, REST,
 * gRPC), so a machine that drifts during the run weighs on both alike; each transport's row pools
 * its runs, and the REST share of every round is printed beside it (one 3 s pair moved by 20
 * points between runs of the same code on a quiet machine).
 */
import { parseArgs } from 'node:util';
import { Caller, CallerRole } from '#platform/auth/caller';
import { createLogger } from '#platform/logging/logger';
import { missionAchievedEvent } from '#testing/chain-helpers';
import { call } from '#testing/grpc-call';
import { deliveryModule, giftModule, missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';
import { createGateway } from '../services/gateway/src/create-gateway.js';
import { loadDescriptorRegistry } from '../services/gateway/src/descriptor/descriptor-registry.js';
import { upstreamsFor } from '../services/gateway/src/gateway-config.js';
import { hostInfo } from './bench-report.js';
import type { ClientJob, ClientResult } from './gateway-bench-client.js';
import { releaseIdentityProviderHooks } from './identity-provider-hooks.js';
import { latencyStats } from './latency-stats.js';
import { runInWorker } from './worker-run.js';

const USAGE = `Usage: npx tsx bench/gateway-bench.ts [options]

  --concurrency N   callers in the closed loop (default 16)
  --seconds S       length of each measured phase (default 5)
  --exchanges N     rewards prepared per transport for ExchangeReward (default 2500; 0: GetWallet only)
  --readers N       customers read round robin by GetWallet, 3 rewards each (default 50)
  --rounds N        ABBA rounds of GetWallet over gRPC and REST (default 2)`;

const GIFT_ID = 'bench-gift';
const WARMUP_MS = 1000;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface PhaseReport {
  operation: string;
  transport: string;
  calls: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  failures: Record<string, number>;
  exhausted: boolean;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      concurrency: { type: 'string', default: '16' },
      seconds: { type: 'string', default: '5' },
      exchanges: { type: 'string', default: '2500' },
      readers: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  const concurrency = Number(values.concurrency);
  const durationMs = Number(values.seconds) * 1000;
  const exchangesPerTransport = Number(values.exchanges);
  const readers = Number(values.readers);
  const rounds = Number(values.rounds);

  const host = hostInfo();
  const system = await TestSystem.create('servers', { OUTBOX_POLL_MS: '500', EVENTS_RETRY_DELAY_MS: '1000', EVENTS_MAX_ATTEMPTS: '5' });
  process.once('SIGINT', () => void system.close().finally(() => process.exit(130)));
  try {
    log('starting delivery, gift, reward, wallet, mission and the gateway');
    await system.start(deliveryModule);
    const gift = await system.start(giftModule);
    await system.start(rewardModule);
    const wallet = await system.start(walletModule, { overrides: { config: { giftAddress: gift.address } } } as never);
    await system.start(missionModule);
    const gateway = await system.startGateway();
    const gifts = system.giftClient();
    await call(gifts, gifts.createGift, { giftId: GIFT_ID, name: 'Bench gift', stockCount: 1_000_000 });

    const warmupExchanges = 100;
    // --exchanges 0: GetWallet only (the read phases, e.g. to measure the token check).
    const pool = exchangesPerTransport === 0 ? 0 : 2 * (exchangesPerTransport + warmupExchanges);
    log(`preparing ${readers * 3} rewards for ${readers} readers and ${pool} rewards to exchange`);
    await prepareRewards(system, readers, pool);
    const rewards = await system.query<{ customer_id: string; reward_id: string }>(
      `select customer_id, reward_id from wallet.wallet_rewards where customer_id like 'bx-%' order by reward_id`,
    );
    const work = rewards.map((row) => ({ customerId: row.customer_id, rewardId: row.reward_id }));
    const grpcPool = work.filter((_, index) => index % 2 === 0);
    const restPool = work.filter((_, index) => index % 2 === 1);
    const readWork = Array.from({ length: readers }, (_, index) => ({ customerId: `br-${index}` }));
    await quiet(system);

    // The same gateway, its edge token check skipped: bench only, never a mode of the product.
    const registry = loadDescriptorRegistry();
    const trusting = new Caller('bench', 'bench', new Set([CallerRole.CALLER_ROLE_OPERATOR, CallerRole.CALLER_ROLE_PLAYER]));
    const unchecked = await createGateway({
      registry,
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ level: 'warn' }),
      upstreams: upstreamsFor(registry, (context) => system.instancesOf(context)[0]?.address),
      access: { verify: async () => trusting },
    });
    const defaultToken = await system.tokens.token('operator');
    log('signing in the exchanging players (code + PKCE)');
    const tokens = await system.tokens.signIn([...new Set(work.map((item) => item.customerId))]);
    await releaseIdentityProviderHooks(log);

    const target = { grpc: wallet.address, rest: gateway.url, 'rest-unchecked': unchecked.url };
    const job = (transport: ClientJob['transport'], operation: ClientJob['operation'], work: ClientJob['work'], ms: number): ClientJob => ({
      transport,
      operation,
      target: target[transport],
      concurrency,
      durationMs: ms,
      work,
      giftId: GIFT_ID,
      keyPrefix: `${transport}-${operation}-${ms}`,
      tokens,
      defaultToken,
    });
    const reports: PhaseReport[] = [];
    const reads = { grpc: [] as ClientResult[], rest: [] as ClientResult[], 'rest-unchecked': [] as ClientResult[] };
    const readOnce = async (transport: keyof typeof reads) => {
      log(`GetWallet over ${transport}: warm-up, then ${durationMs / 1000} s`);
      await runClient(job(transport, 'GetWallet', readWork, WARMUP_MS));
      const result = await runClient(job(transport, 'GetWallet', readWork, durationMs));
      reads[transport].push(result);
      return result.latencies.length / (result.elapsedMs / 1000);
    };
    const restShares: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const [grpcFirst, restFirst, restSecond, grpcSecond] = [
        await readOnce('grpc'),
        await readOnce('rest'),
        await readOnce('rest'),
        await readOnce('grpc'),
      ];
      const share = (restFirst + restSecond) / (grpcFirst + grpcSecond);
      restShares.push(share);
      log(`round ${round + 1}: GetWallet REST at ${Math.round(100 * share)}% of gRPC`);
    }
    await readOnce('rest-unchecked');
    for (const transport of ['grpc', 'rest', 'rest-unchecked'] as const)
      reports.push(report('GetWallet', transport, pooled(reads[transport])));
    for (const transport of exchangesPerTransport === 0 ? [] : (['grpc', 'rest'] as const)) {
      const mine = transport === 'grpc' ? grpcPool : restPool;
      log(`ExchangeReward over ${transport}: warm-up, then ${durationMs / 1000} s`);
      await runClient(job(transport, 'ExchangeReward', mine.slice(0, warmupExchanges), 60_000));
      await quiet(system);
      reports.push(
        report('ExchangeReward', transport, await runClient(job(transport, 'ExchangeReward', mine.slice(warmupExchanges), durationMs))),
      );
      await quiet(system);
    }

    console.log(
      `\nREST via the gateway vs direct gRPC: closed loop, ${concurrency} callers, ${durationMs / 1000} s per phase; ${host.cpus} cores, load average ${host.loadAverage} at start\n`,
    );
    console.log(
      `${'operation'.padEnd(16)}${'transport'.padEnd(27)}${'calls'.padStart(8)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}  failures`,
    );
    for (const r of reports) {
      const failures =
        Object.entries(r.failures)
          .map(([kind, n]) => `${kind} x${n}`)
          .join(', ') || '-';
      console.log(
        `${r.operation.padEnd(16)}${r.transport.padEnd(27)}${String(r.calls).padStart(8)}${r.perSecond.toFixed(0).padStart(9)}${r.p50.toFixed(1).padStart(9)}${r.p95.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}${r.max.toFixed(1).padStart(9)}  ${failures}${r.exhausted ? ' (ran out of rewards before the time was up)' : ''}`,
      );
    }
    const shares = restShares.map((share) => Math.round(share * 1000) / 10);
    console.log(`GetWallet REST share of gRPC by round: ${shares.map((share) => `${share}%`).join(', ')}`);
    console.log(
      JSON.stringify({ concurrency, seconds: durationMs / 1000, rounds, host, getWalletRestSharePercent: shares, phases: reports }),
    );
    await unchecked.stop();
  } finally {
    await system.close();
  }
}

/** MissionAchieved events straight onto the exchange: the reward service issues, the wallet credits. */
async function prepareRewards(system: TestSystem, readers: number, pool: number): Promise<void> {
  const events = [];
  for (let reader = 0; reader < readers; reader += 1) {
    for (let n = 0; n < 3; n += 1) events.push(missionAchievedEvent(crypto.randomUUID(), `br-${reader}`, `read-${n}`));
  }
  // Several rewards per customer, as a player collects them; the wallet locks per reward.
  for (let n = 0; n < pool; n += 1) events.push(missionAchievedEvent(crypto.randomUUID(), `bx-${n % 500}`, `exchange-${n}`));
  for (let at = 0; at < events.length; at += 500) await system.publish(events.slice(at, at + 500));
  const deadline = Date.now() + 180_000;
  for (;;) {
    const credited = await system.count('wallet.wallet_rewards');
    if (credited >= events.length) return;
    if (Date.now() > deadline) throw new Error(`only ${credited} of ${events.length} rewards reached the wallets`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until no outbox holds an unpublished event and no gift order waits for its payment or delivery. */
async function quiet(system: TestSystem): Promise<void> {
  const deadline = Date.now() + 120_000;
  let calm = 0;
  while (calm < 3 && Date.now() < deadline) {
    let pending = 0;
    for (const schema of ['mission', 'reward', 'wallet', 'gift', 'delivery'])
      pending += await system.count(`${schema}.outbox_events`, 'published_at is null');
    // An order still reserved or paid has follow-up events to come; a released or cancelled one
    // never gets a delivery, so comparing order and delivery counts could wait out the deadline.
    pending += await system.count('gift.gift_orders', `status in ('reserved', 'paid')`);
    calm = pending === 0 ? calm + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function runClient(job: ClientJob): Promise<ClientResult> {
  return runInWorker(new URL('./gateway-bench-client.ts', import.meta.url), job);
}

/** Several runs of one transport as one: every call's latency, over their summed time. */
function pooled(results: readonly ClientResult[]): ClientResult {
  const failures: Record<string, number> = {};
  for (const result of results) for (const [kind, n] of Object.entries(result.failures)) failures[kind] = (failures[kind] ?? 0) + n;
  return {
    latencies: results.flatMap((result) => result.latencies),
    failures,
    elapsedMs: results.reduce((sum, result) => sum + result.elapsedMs, 0),
    exhausted: results.some((result) => result.exhausted),
  };
}

function report(operation: string, transport: string, result: ClientResult): PhaseReport {
  const stats = latencyStats(result.latencies);
  return {
    operation,
    transport: transport === 'grpc' ? 'gRPC' : transport === 'rest' ? 'REST' : 'REST, edge check skipped',
    calls: stats.count,
    perSecond: stats.count / (result.elapsedMs / 1000),
    p50: stats.p50,
    p95: stats.p95,
    p99: stats.p99,
    max: stats.max,
    failures: result.failures,
    exhausted: result.exhausted,
  };
}

await main();
