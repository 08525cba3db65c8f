/**
 * Exchange benchmark: `npm run bench:exchange` (also part of `npm run bench`). On the local
 * Postgres and RabbitMQ, with mission, reward, wallet, gift and delivery in this process:
 *   1. exchanges:    N rewards exchanged for a gift, C calls in flight: sustained exchanges/s and
 *                    the ExchangeReward call's p50/p99;
 *   2. latency:      --latency-count exchanges with --latency-concurrency (8) in flight: the
 *                    ExchangeReward p99 (target: under 100 ms);
 *   3. ceiling:      the same job as one local transaction (bench/exchange-ceiling.ts: lock the
 *                    reward, take stock, insert the order) through the same driver at both
 *                    concurrencies, in the same run, and the platform's share of it (target >= 25%);
 *   4. breaker open: a wallet whose gift shop is down, breaker open: the wallet's p99 when it
 *                    refuses an exchange at once (target: under 5 ms).
 * The machine's load average is printed at the start and the end (the machine may be shared).
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { WalletServiceClient } from '#contracts/generated/game/wallet/v1/wallet_service';
import { createGift } from '#testing/exchange-helpers';
import { call } from '#testing/grpc-call';
import { deliveryModule, giftModule, missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';
import { ExchangeCeiling } from './exchange-ceiling.js';
import { releaseIdentityProviderHooks } from './identity-provider-hooks.js';
import { type LatencyStats, latencyStats } from './latency-stats.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const GIFTS = 20;

/** Waits until the previous phase's follow-up events (payments, deliveries, stock) are all applied. */
async function waitForQuiet(system: TestSystem): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    let pending = await system.count('gift.gift_orders', `status in ('reserved', 'paid')`);
    for (const service of ['mission', 'reward', 'wallet', 'gift', 'delivery'])
      pending += await system.count(`${service}.outbox_events`, 'published_at is null');
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log('still busy after 60 s; going on');
}

interface ExchangeRequest {
  customerId: string;
  rewardId: string;
  giftId: string;
  idempotencyKey: string;
}

/** Runs requests with at most `concurrency` in flight; returns per-call latencies and failures. */
async function closedLoop(requests: ExchangeRequest[], concurrency: number, send: (request: ExchangeRequest) => Promise<unknown>) {
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  let next = 0;
  let succeeded = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const request = requests[next++];
        const begin = performance.now();
        try {
          await send(request);
          succeeded += 1;
        } catch (error) {
          const key = (error as Error).message.split(':')[0];
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }
        latencies.push(performance.now() - begin);
      }
    }),
  );
  // Latencies of every call (the breaker-open phase times refusals); rates count successes only.
  return {
    latencies: latencyStats(latencies),
    succeeded,
    seconds: (performance.now() - started) / 1000,
    errors: Object.fromEntries(errors),
  };
}

/**
 * Every exchanging customer signs in (code + PKCE) before anything is timed, as a client holds
 * its token before it calls. The harness's clients otherwise sign a customer in on their first
 * call, against the embedded identity provider in this very process: the exchange's latency
 * then held a whole sign-in, and its CPU was the provider's (oidc-provider and undici were a
 * sixth of this process's busy time in a profile).
 */
async function signIn(system: TestSystem, customerIds: readonly string[]): Promise<void> {
  log(`signing in ${customerIds.length} customers (code + PKCE)`);
  await system.tokens.signIn(customerIds);
  await releaseIdentityProviderHooks(log);
}

/** Achieves one mission for each of `count` customers and waits until every reward is in a wallet. */
async function rewardsInWallets(system: TestSystem, count: number, prefix: string): Promise<{ customerId: string; rewardId: string }[]> {
  const missions = system.missionClient();
  const customers = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < customers.length) {
        const customerId = customers[next++];
        await call(missions, missions.achieveMission, { customerId, eventCode: 'bench', missionCode: 'exchange' });
      }
    }),
  );
  for (;;) {
    const rows = await system.query<{ customer_id: string; reward_id: string }>(
      `select customer_id, reward_id from wallet.wallet_rewards where customer_id like '${prefix}-%'`,
    );
    if (rows.length >= count) return rows.map((row) => ({ customerId: row.customer_id, rewardId: row.reward_id }));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function exchangeWith(wallets: WalletServiceClient) {
  return (request: ExchangeRequest) => call(wallets, wallets.exchangeReward, request);
}

function loadText(load: number[]): string {
  return load.map((n) => n.toFixed(2)).join(' ');
}

function row(name: string, stats: LatencyStats): string {
  return `${name.padEnd(34)} ${String(stats.count).padStart(6)} ${[stats.p50, stats.p95, stats.p99, stats.max].map((v) => v.toFixed(1).padStart(8)).join('')}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '32' },
      'open-calls': { type: 'string', default: '2000' },
      'open-concurrency': { type: 'string', default: '1' },
      'latency-count': { type: 'string', default: '1000' },
      'latency-concurrency': { type: 'string', default: '8' },
    },
  });
  const latencyCount = Number(values['latency-count']);
  const latencyConcurrency = Number(values['latency-concurrency']);
  const loadAtStart = loadavg();
  log(`load average ${loadText(loadAtStart)} at start`);
  const count = Number(values.count);
  const concurrency = Number(values.concurrency);
  const openCalls = Number(values['open-calls']);
  const openConcurrency = Number(values['open-concurrency']);
  const system = await TestSystem.create('servers', { OUTBOX_POLL_MS: '500', EVENTS_RETRY_DELAY_MS: '1000', EVENTS_MAX_ATTEMPTS: '5' });
  try {
    await system.start(deliveryModule);
    const gift = await system.start(giftModule);
    await system.start(rewardModule);
    await system.start(walletModule, { overrides: { config: { giftAddress: gift.address } } });
    await system.start(missionModule);
    // Spread over several gifts: one gift's stock row serializes every reservation of it.
    const giftIds = Array.from({ length: GIFTS }, (_, i) => `bench-gift-${i}`);
    for (const giftId of giftIds) await createGift(system, giftId, 1_000_000);
    log(`preparing ${count} rewards in wallets`);
    const rewards = await rewardsInWallets(system, count + 200 + latencyCount, 'bx');
    const requests = rewards.map(({ customerId, rewardId }, i) => ({
      customerId,
      rewardId,
      giftId: giftIds[i % GIFTS],
      idempotencyKey: randomUUID(),
    }));

    await signIn(
      system,
      rewards.map((reward) => reward.customerId),
    );
    log('warming up (200 exchanges)');
    await closedLoop(requests.slice(0, 200), 16, exchangeWith(system.walletClient()));
    log(`[exchanges] ${count} exchanges, ${concurrency} in flight`);
    const exchanges = await closedLoop(requests.slice(200, 200 + count), concurrency, exchangeWith(system.walletClient()));
    await waitForQuiet(system);
    log(`[latency] ${latencyCount} exchanges, ${latencyConcurrency} in flight`);
    const atLow = await closedLoop(
      requests.slice(200 + count, 200 + count + latencyCount),
      latencyConcurrency,
      exchangeWith(system.walletClient()),
    );
    await waitForQuiet(system);

    log('[ceiling] the same job as one transaction, at both concurrencies');
    const ceiling = await ExchangeCeiling.create(system.config.databaseUrl as string, system.config.databasePoolSize, giftIds);
    const ceilingRewards = await ceiling.prepare(200 + count + latencyCount, 'cx');
    const ceilingLoop = (slice: typeof ceilingRewards, inFlight: number) => {
      const asRequests = slice.map((reward, i) => ({ ...reward, giftId: giftIds[i % GIFTS], idempotencyKey: '' }));
      return closedLoop(asRequests, inFlight, (request) => ceiling.exchange(request, request.giftId));
    };
    await ceilingLoop(ceilingRewards.slice(0, 200), 16);
    const ceilingHigh = await ceilingLoop(ceilingRewards.slice(200, 200 + count), concurrency);
    const ceilingLow = await ceilingLoop(ceilingRewards.slice(200 + count), latencyConcurrency);
    await ceiling.close();
    // A second wallet whose gift shop is unreachable: trip its breaker, then time the refusals.
    const isolated = await system.start(walletModule, {
      overrides: {
        config: {
          giftAddress: '127.0.0.1:1',
          giftShop: { attemptTimeoutMs: 200, maxRetries: 0, breakerThreshold: 3, halfOpenAfterMs: 600_000 },
        },
      },
    });
    const spare = await rewardsInWallets(system, 10, 'open');
    await signIn(
      system,
      spare.map((reward) => reward.customerId),
    );
    const openRequests = spare.map(({ customerId, rewardId }) => ({
      customerId,
      rewardId,
      giftId: giftIds[0],
      idempotencyKey: randomUUID(),
    }));
    await waitForQuiet(system);
    const openWallet = exchangeWith(system.walletClient(isolated.address));
    for (const request of openRequests.slice(0, 3)) await openWallet(request).catch(() => undefined);
    log(`[breaker open] ${openCalls} exchanges refused by an open breaker, ${openConcurrency} in flight`);
    const looped = Array.from({ length: openCalls }, (_, i) => ({
      ...openRequests[i % openRequests.length],
      idempotencyKey: randomUUID(),
    }));
    const open = await closedLoop(looped, openConcurrency, openWallet);

    const rate = (run: { succeeded: number; seconds: number }) => run.succeeded / run.seconds;
    const share = (platform: typeof exchanges, one: typeof exchanges) => Math.round((rate(platform) / rate(one)) * 100);
    const report = [
      'Exchange benchmark (servers mode: local Postgres + RabbitMQ; all services in this process)',
      `load average ${loadText(loadAtStart)} at start, ${loadText(loadavg())} at the end`,
      '',
      `exchanges: ${exchanges.succeeded} of ${count} completed (over ${GIFTS} gifts) in ${exchanges.seconds.toFixed(2)} s = ${rate(exchanges).toFixed(0)} exchanges/s (${concurrency} in flight); errors ${JSON.stringify(exchanges.errors)}`,
      `exchanges: ${atLow.succeeded} of ${latencyCount} completed at ${latencyConcurrency} in flight = ${rate(atLow).toFixed(0)} exchanges/s; errors ${JSON.stringify(atLow.errors)}`,
      `ceiling (one transaction: lock reward, take stock, insert order): ${rate(ceilingHigh).toFixed(0)}/s at ${concurrency} in flight, ${rate(ceilingLow).toFixed(0)}/s at ${latencyConcurrency}`,
      `platform / ceiling: ${share(exchanges, ceilingHigh)}% at ${concurrency} in flight, ${share(atLow, ceilingLow)}% at ${latencyConcurrency} [target >= 25%]`,
      '',
      `${'latency (ms)'.padEnd(34)} ${'count'.padStart(6)}${['p50', 'p95', 'p99', 'max'].map((h) => h.padStart(8)).join('')}`,
      row(`ExchangeReward (${concurrency} in flight)`, exchanges.latencies),
      row(`ExchangeReward (${latencyConcurrency} in flight)`, atLow.latencies),
      row(`ceiling transaction (${concurrency} in flight)`, ceilingHigh.latencies),
      row(`ceiling transaction (${latencyConcurrency} in flight)`, ceilingLow.latencies),
      row(`ExchangeReward (breaker open, ${openConcurrency} in flight)`, open.latencies),
      '',
      `breaker-open refusals: ${JSON.stringify(open.errors)}`,
      `target: wallet p99 while the breaker is open < 5 ms: ${open.latencies.p99} ms ${open.latencies.p99 < 5 ? 'MET' : 'MISSED'}`,
      `target: ExchangeReward p99 at ${latencyConcurrency} in flight < 100 ms: ${atLow.latencies.p99} ms ${atLow.latencies.p99 < 100 ? 'MET' : 'MISSED'}`,
    ];
    console.log(report.join('\n'));
    console.log(
      JSON.stringify({
        bench: 'exchange',
        exchangesPerSecond: Math.round(count / exchanges.seconds),
        exchangeLatencyMs: exchanges.latencies,
        lowConcurrency: { concurrency: latencyConcurrency, exchangesPerSecond: Math.round(rate(atLow)), latencyMs: atLow.latencies },
        ceiling: {
          [concurrency]: { perSecond: Math.round(rate(ceilingHigh)), latencyMs: ceilingHigh.latencies },
          [latencyConcurrency]: { perSecond: Math.round(rate(ceilingLow)), latencyMs: ceilingLow.latencies },
        },
        shareOfCeilingPercent: { [concurrency]: share(exchanges, ceilingHigh), [latencyConcurrency]: share(atLow, ceilingLow) },
        loadAverage: { start: loadAtStart, end: loadavg() },
        breakerOpenLatencyMs: open.latencies,
        errors: exchanges.errors,
      }),
    );
  } finally {
    await system.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
