/**
 * My Page benchmark: `npx tsx bench/my-page-bench.ts [--missions 100] [--calls 2000]
 * [--concurrency 8] [--rounds 2] [--burst 10000]`. Runs the mypage service alone on an isolated
 * database and exchange (the tests' harness, real Postgres and RabbitMQ) and measures:
 *   1. GetMyPage over gRPC, its callers in a worker thread (my-page-bench-client.ts), for one
 *      customer with --missions missions (each rewarded and in the wallet, every fifth one
 *      exchanged and shipping): p50/p99 one call at a time, with --concurrency calls in
 *      flight, and the cheap poll (known_version still current); beside it, in the same run,
 *      the ceiling: a primary-key SELECT of that customer's stored page row through the same
 *      driver (postgres-js, the service's pool size), one at a time and with --concurrency in
 *      flight, and the ratios (target: p99 <= 3x, throughput >= 50%); each in-flight level in
 *      --rounds ABBA rounds (SELECT, GetMyPage, GetMyPage, SELECT), pooled.
 *   2. The view's lag behind events under a burst: --burst events (customers x 4 events:
 *      achieved, issued, credited, rewarded; grouped by kind, as each service's relay publishes
 *      its own events in batches) published as fast as the broker confirms them;
 *      per event, from the moment its chunk was handed to the broker to the moment the view's
 *      transaction applying it began (inbox processed_at), and the time to drain the burst.
 *   3. The same lag at a steady --rate events/s for --seconds (published every 100 ms).
 * Prints a human report on stderr and one JSON line on stdout.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import amqp from 'amqplib';
import postgres from 'postgres';
import {
  deliveryStarted,
  giftOrderPaid,
  missionAchieved,
  missionRewarded,
  rewardIssued,
  rewardSpent,
  walletCredited,
} from '#contracts/events';
import type { ReadModelAdminServiceClient } from '#contracts/generated/game/platform/v1/read_model_admin_service';
import { type NewEvent, newEvent } from '#platform/events/event-type';
import { call } from '#testing/grpc-call';
import { TEST_AMQP_URL, TestSystem } from '#testing/test-system';
import { myPageModule } from '../services/mypage/src/composition-root.js';
import { type ClosedLoopRun, closedLoop } from './closed-loop.js';
import { releaseIdentityProviderHooks } from './identity-provider-hooks.js';
import type { MyPageJob } from './my-page-bench-client.js';
import { runInWorker } from './worker-run.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

const { values } = parseArgs({
  options: {
    missions: { type: 'string', default: '100' },
    calls: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    burst: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '400' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
  },
});
const MISSIONS = Number(values.missions);
const CALLS = Number(values.calls);
const CONCURRENCY = Number(values.concurrency);
const BURST = Math.ceil(Number(values.burst) / 4) * 4;
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);

interface Stats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] * 100) / 100;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

function missionEvents(customerId: string, start: Date, exchanged: boolean): NewEvent[] {
  const missionId = randomUUID();
  const rewardId = randomUUID();
  const at = new Date(start);
  const events = [
    newEvent(
      missionAchieved,
      { missionId, customerId, eventCode: 'bench', missionCode: `m-${missionId.slice(0, 8)}`, achievedAt: at },
      missionId,
      at,
    ),
    newEvent(rewardIssued, { rewardId, missionId, customerId, issuedAt: at }, rewardId, at),
    newEvent(walletCredited, { customerId, rewardId, missionId, creditedAt: at }, rewardId, at),
    newEvent(missionRewarded, { missionId, customerId, rewardId, rewardedAt: at }, missionId, at),
  ];
  if (exchanged) {
    const orderId = randomUUID();
    const deliveryId = randomUUID();
    events.push(
      newEvent(rewardSpent, { customerId, rewardId, orderId, giftId: 'plush', spentAt: at }, rewardId, at),
      newEvent(giftOrderPaid, { orderId, customerId, giftId: 'plush', giftName: 'Plush dragon', rewardId, paidAt: at }, orderId, at),
      newEvent(deliveryStarted, { deliveryId, orderId, customerId, giftId: 'plush', startedAt: at }, deliveryId, at),
    );
  }
  return events;
}

async function waitForApplied(admin: ReadModelAdminServiceClient, target: number, timeoutMs = 600_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await call(admin, admin.getReadModelStatus, {});
    if (status.eventsApplied >= target) return Date.now();
    if (Date.now() > deadline) throw new Error(`view stuck at ${status.eventsApplied} of ${target} events`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One confirm channel kept open (as a service's relay does), publishing like the services do. */
async function openPublisher(system: TestSystem) {
  const connection = await amqp.connect(TEST_AMQP_URL);
  const channel = await connection.createConfirmChannel();
  return {
    async publish(events: readonly NewEvent[]): Promise<void> {
      for (const event of events) {
        channel.publish(system.config.eventsExchange, event.routingKey, Buffer.from(event.payload), {
          messageId: event.id,
          type: event.type,
          persistent: true,
          headers: {
            'x-routing-key': event.routingKey,
            'x-aggregate-id': event.aggregateId,
            'x-occurred-at': event.occurredAt.toISOString(),
          },
        });
      }
      await channel.waitForConfirms();
    },
    close: () => connection.close(),
  };
}

/** Per event: from being handed to the broker to the start of the view's transaction that applied it. */
async function lagOf(system: TestSystem, handedAt: Map<string, number>): Promise<Stats> {
  const ids = [...handedAt.keys()];
  const lags: number[] = [];
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await system.query<{ event_id: string; at: number }>(
      `select event_id, extract(epoch from processed_at) * 1000 as at from mypage.inbox_events where event_id in (${ids
        .slice(i, i + 5000)
        .map((id) => `'${id}'`)
        .join(',')})`,
    );
    for (const row of rows) lags.push(Math.max(0, Number(row.at) - (handedAt.get(row.event_id) ?? 0)));
  }
  return stats(lags);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

type Timed = ClosedLoopRun;

const perSecond = (runs: readonly Timed[]) =>
  Math.round((runs.reduce((n, run) => n + run.latencies.length, 0) / runs.reduce((ms, run) => ms + run.elapsedMs, 0)) * 1000);

/** Several runs of one side as one: every call's latency, over their summed time. */
const summary = (runs: readonly Timed[]) => ({ latency: stats(runs.flatMap((run) => run.latencies)), perSecond: perSecond(runs) });

async function main(): Promise<void> {
  const system = await TestSystem.create('servers', {
    OUTBOX_POLL_MS: '500',
    EVENTS_RETRY_DELAY_MS: '1000',
    EVENTS_MAX_ATTEMPTS: '5',
    LOG_LEVEL: 'warn',
  });
  process.once('SIGINT', () => void system.close().finally(() => process.exit(130)));
  const loadAtStart = loadavg();
  log(`${cpus().length} cores, load average ${loadAtStart.map((n) => n.toFixed(2)).join(' ')} at start`);
  try {
    const mypage = await system.start(myPageModule);
    const publisher = await openPublisher(system);
    // The service verifies tokens: the callers hold the customer's, signed in before anything is
    // timed, and send it with each call.
    const token = await system.tokens.token({ player: 'bench-page' });
    const client = system.myPageClient(mypage.address, { token });
    const admin = system.readModelAdminClient(mypage.address);

    // 1. GetMyPage for a customer with MISSIONS missions.
    const start = Date.now() - MISSIONS * 60_000;
    const story = Array.from({ length: MISSIONS }, (_, i) => missionEvents('bench-page', new Date(start + i * 60_000), i % 5 === 0)).flat();
    await publisher.publish(story);
    await waitForApplied(admin, story.length);
    const page = await call(client, client.getMyPage, { customerId: 'bench-page', knownVersion: 0 });
    await releaseIdentityProviderHooks(log);
    log(
      `page: ${page.missions.length} missions, ${page.rewards.length} rewards, ${page.orders.length} orders, version ${page.version}, ${story.length} events`,
    );
    // The callers run in a worker thread, as callers in another process would (the gateway bench
    // does the same): the service's thread serves; it does not also run its callers' client.
    const getMyPage = (concurrency: number, knownVersion: number) =>
      runInWorker<MyPageJob, Timed>(new URL('./my-page-bench-client.ts', import.meta.url), {
        address: mypage.address,
        token,
        request: { customerId: 'bench-page', knownVersion },
        concurrency,
        calls: CALLS,
        warmup: 2000,
      });
    // The ceiling: the page's row by its primary key, the same driver and pool size as the service.
    const sql = postgres(system.config.databaseUrl as string, { max: system.config.databasePoolSize, onnotice: () => {} });
    const select = () => sql`select customer_id, version, updated_at, page_message from mypage.pages where customer_id = ${'bench-page'}`;
    await closedLoop(CONCURRENCY, 2000, select);
    // ABBA rounds (SELECT, GetMyPage, GetMyPage, SELECT): the SELECT's own rate moved 2x between
    // runs of the same code, so each side is measured on both sides of the other.
    const abba = async (concurrency: number) => {
      const page: Timed[] = [];
      const pk: Timed[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        pk.push(await closedLoop(concurrency, CALLS, select));
        page.push(await getMyPage(concurrency, 0), await getMyPage(concurrency, 0));
        pk.push(await closedLoop(concurrency, CALLS, select));
        log(
          `round ${round + 1}, ${concurrency} in flight: GetMyPage at ${Math.round(100 * (perSecond(page.slice(-2)) / perSecond(pk.slice(-2))))}% of the SELECT's rate`,
        );
      }
      return { page: summary(page), pk: summary(pk) };
    };
    const one = await abba(1);
    const many = await abba(CONCURRENCY);
    const poll = summary([await getMyPage(1, page.version)]);
    await sql.end();
    const [sequential, concurrent, pkSequential, pkConcurrent] = [one.page, many.page, one.pk, many.pk];
    const line = (what: string, at: { latency: Stats; perSecond: number }) =>
      log(`${what}:  p50 ${at.latency.p50} ms  p99 ${at.latency.p99} ms  (${at.perSecond}/s)`);
    line(`GetMyPage (${MISSIONS} missions), 1 in flight`, sequential);
    line(`GetMyPage (${MISSIONS} missions), ${CONCURRENCY} in flight`, concurrent);
    line('GetMyPage poll, unchanged', poll);
    line('PK SELECT of the page row, 1 in flight', pkSequential);
    line(`PK SELECT of the page row, ${CONCURRENCY} in flight`, pkConcurrent);
    const ratios = {
      p99Sequential: round2(sequential.latency.p99 / pkSequential.latency.p99),
      p99Concurrent: round2(concurrent.latency.p99 / pkConcurrent.latency.p99),
      throughputConcurrent: round2(concurrent.perSecond / pkConcurrent.perSecond),
    };
    log(
      `GetMyPage / PK SELECT: p99 ${ratios.p99Sequential}x (1 in flight), ${ratios.p99Concurrent}x (${CONCURRENCY} in flight) [target <= 3x]; ` +
        `throughput ${Math.round(ratios.throughputConcurrent * 100)}% at ${CONCURRENCY} in flight [target >= 50%]; load average ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}`,
    );

    // 2. Lag under a burst.
    const customers = BURST / 4;
    // As the services' relays publish a burst: each service's events in batches, so a kind comes in runs.
    const perCustomer = Array.from({ length: customers }, (_, i) => missionEvents(`burst-${i}`, new Date(), false));
    const burst = [0, 1, 2, 3].flatMap((kind) => perCustomer.map((events) => events[kind]));
    const handedAt = new Map<string, number>();
    const before = (await call(admin, admin.getReadModelStatus, {})).eventsApplied;
    const burstStart = Date.now();
    for (let i = 0; i < burst.length; i += 500) {
      const chunk = burst.slice(i, i + 500);
      const t = Date.now();
      for (const event of chunk) handedAt.set(event.id, t);
      await publisher.publish(chunk);
    }
    const published = Date.now();
    const drained = await waitForApplied(admin, before + burst.length);
    const lag = await lagOf(system, handedAt);
    log(
      `burst of ${burst.length} events (${customers} customers): published in ${published - burstStart} ms, view caught up ${drained - burstStart} ms after the first event ` +
        `(${Math.round((burst.length / (drained - burstStart)) * 1000)} events/s); per-event lag p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms`,
    );

    // 3. Lag at a steady rate.
    const steadyHandedAt = new Map<string, number>();
    const perTick = Math.max(4, Math.round(RATE / 10 / 4) * 4);
    const ticks = Math.round((SECONDS * 10 * RATE) / 10 / perTick);
    const steadyBefore = (await call(admin, admin.getReadModelStatus, {})).eventsApplied;
    const steadyStart = Date.now();
    let sent = 0;
    for (let tick = 0; tick < ticks; tick += 1) {
      const events = Array.from({ length: perTick / 4 }, (_, i) => missionEvents(`steady-${tick}-${i}`, new Date(), false)).flat();
      const t = Date.now();
      for (const event of events) steadyHandedAt.set(event.id, t);
      await publisher.publish(events);
      sent += events.length;
      const wait = steadyStart + (tick + 1) * 100 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await waitForApplied(admin, steadyBefore + sent);
    const offered = Math.round((sent / (Date.now() - steadyStart)) * 1000);
    const steadyLag = await lagOf(system, steadyHandedAt);
    log(
      `steady ${offered} events/s for ${SECONDS} s (${sent} events): per-event lag p50 ${steadyLag.p50} ms, p99 ${steadyLag.p99} ms, max ${steadyLag.max} ms`,
    );

    console.log(
      JSON.stringify({
        host: { cpus: cpus().length, model: cpus()[0]?.model, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg() },
        getMyPage: {
          missions: MISSIONS,
          events: story.length,
          sequential,
          concurrent: { concurrency: CONCURRENCY, ...concurrent },
          unchangedPoll: poll,
        },
        primaryKeySelect: { sequential: pkSequential, concurrent: { concurrency: CONCURRENCY, ...pkConcurrent } },
        ratios,
        burst: { events: burst.length, publishMs: published - burstStart, catchUpMs: drained - burstStart, lag },
        steady: { eventsPerSecond: offered, events: sent, lag: steadyLag },
      }),
    );
    client.close();
    admin.close();
    await publisher.close();
  } finally {
    await system.close();
  }
}

await main();
