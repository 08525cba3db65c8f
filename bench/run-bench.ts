/**
 * Reward chain benchmark: `npm run bench -- --help`. Starts mission, reward and wallet in this
 * process on an isolated database and exchange (the tests' harness), drives AchieveMission over
 * gRPC and times each mission until its reward is credited to the wallet.
 */
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { ProcessCluster } from '#testing/process-cluster';
import { TestSystem } from '#testing/test-system';
import { type BenchOptions, type LoadProfile, parseBenchOptions, USAGE } from './bench-options.js';
import { formatReport, hostInfo, type PhaseSummary, summarize, summaryJson } from './bench-report.js';
import { BenchTelemetry } from './bench-telemetry.js';
import { achieveOverGrpc, ChainBench } from './chain-bench.js';
import { releaseIdentityProviderHooks } from './identity-provider-hooks.js';
import { commonGroups, cpuSnapshot, cpuSpent, memoryOf, type ProcessGroup, perThousand, processTree } from './process-stats.js';
import { subscribeToWalletCredits } from './wallet-credit-feed.js';

/** Platform variables a run may tune from the environment (e.g. EVENTS_PREFETCH=500 npm run bench). */
const TUNING_VARIABLES = [
  'DATABASE_POOL_SIZE',
  'EVENTS_PREFETCH',
  'OUTBOX_BATCH_SIZE',
  'OUTBOX_POLL_MS',
  'EVENTS_RETRY_DELAY_MS',
  'EVENTS_MAX_ATTEMPTS',
];

const QUIET_TIMEOUT_MS = 30_000;
const QUIET_CHECK_MS = 100;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  if (!options) {
    console.log(USAGE);
    return;
  }
  const host = hostInfo();
  log(`starting mission, reward and wallet (mode: ${options.mode})`);
  const system = await TestSystem.create(options.mode, platformEnv());
  // Ctrl-C must still drop the run's database and exchange.
  process.once('SIGINT', () => {
    log('interrupted; cleaning up');
    void system.close().finally(() => process.exit(130));
  });
  let summaries: PhaseSummary[];
  try {
    summaries = await runPhases(system, options);
  } finally {
    await system.close();
  }
  // Printed only after clean-up: a reader that closes stdout early (| head) must not leak the database.
  console.log(formatReport(options.mode, summaries, host));
  if (options.telemetry === 'compare')
    for (const profile of options.profiles) console.log(telemetryCost(profile.phase, summaries, options.rounds));
  console.log(summaryJson(options.mode, summaries, host));
}

/**
 * The service defaults a deployment runs with, not the harness's test settings (fast retries,
 * 100 ms outbox polling), unless the environment overrides them.
 */
function platformEnv(): Record<string, string> {
  const env: Record<string, string> = { OUTBOX_POLL_MS: '500', EVENTS_RETRY_DELAY_MS: '1000', EVENTS_MAX_ATTEMPTS: '5' };
  for (const name of TUNING_VARIABLES) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

async function runPhases(system: TestSystem, options: BenchOptions): Promise<PhaseSummary[]> {
  // Consumers first, so their queues exist before the first MissionAchieved is published.
  const cluster = options.processes
    ? new ProcessCluster(system, { wallet: options.replicas, reward: options.replicas, mission: options.replicas })
    : undefined;
  if (cluster) {
    log(`services run as separate processes, ${options.replicas} per service`);
    await cluster.startAll();
  } else {
    await system.start(walletModule);
    await system.start(rewardModule);
    await system.start(missionModule);
  }
  const missions = cluster ? cluster.missionClient() : system.missionClient();
  const bench = new ChainBench(achieveOverGrpc(missions), { drainIdleMs: options.drainIdleMs, log });
  const feed = await subscribeToWalletCredits(system, bench.onCredit);
  const telemetry = new BenchTelemetry();
  if (options.telemetry === 'off') await telemetry.off();
  else if (!cluster) await telemetry.on();
  try {
    if (options.warmup > 0) await runWarmup(system, bench, options.warmup);
    const summaries: PhaseSummary[] = [];
    for (const profile of options.profiles) {
      log(
        `[${profile.phase}] ${profile.count} missions at ${profile.rate === 0 ? 'unlimited' : `${profile.rate}/s`}, at most ${profile.concurrency} in flight`,
      );
      if (options.telemetry !== 'compare') {
        await releaseIdentityProviderHooks(log);
        // CPU of every process of the run, including the tail until the system is quiet.
        const groups = processGroups(system, cluster);
        const before = cpuSnapshot(groups);
        const summary = summarize(await bench.run(profile));
        await waitForQuiet(system);
        const spent = cpuSpent(before, cpuSnapshot(groups));
        summaries.push({ ...summary, cpuPer1000Missions: perThousand(spent, summary.completed), rssMiB: memoryOf(groups) });
        continue;
      }
      // Same run, same database and warm process, in ABBA order (off, on, on, off): a load that
      // drifts during the run (other work on the machine) weighs on both sides alike. --rounds
      // repeats it: one round's cost moves by several points from round to round.
      const order = Array.from({ length: options.rounds }, () => [false, true, true, false]).flat();
      for (const [i, on] of order.entries()) {
        await releaseIdentityProviderHooks(log);
        if (on) await telemetry.on();
        else await telemetry.off();
        log(`[${profile.phase}] run ${i + 1}/${order.length}: telemetry ${on ? `on (${telemetry.description})` : 'off'}`);
        // CPU time of this process (services + driver) per mission: far less sensitive than
        // throughput to other work on the machine. It includes the tail until the system is quiet.
        const cpuBefore = process.cpuUsage();
        const summary = summarize(await bench.run(profile));
        await waitForQuiet(system);
        const cpu = process.cpuUsage(cpuBefore);
        const phase = `${profile.phase} #${i + 1} telemetry ${on ? 'on' : 'off'}`;
        CPU_MS_PER_MISSION.set(phase, (cpu.user + cpu.system) / 1000 / Math.max(1, summary.completed));
        summaries.push({ ...summary, phase });
      }
    }
    return summaries;
  } finally {
    await telemetry.off();
    await feed.close();
    missions.close();
    await cluster?.stopAll();
  }
}

/** The bench process (with the services in it, or each service process), the run's Postgres backends, RabbitMQ. */
function processGroups(system: TestSystem, cluster: ProcessCluster | undefined): ProcessGroup[] {
  const database = system.config.databaseUrl ? new URL(system.config.databaseUrl).pathname.slice(1) : undefined;
  const services = (cluster?.supervisor.running ?? []).map((p) => ({
    name: `${p.service}#${p.replica}`,
    pids: () => processTree(p.child.pid as number),
  }));
  return [...commonGroups(database), ...services];
}

/** Phase name -> CPU milliseconds this process spent per credited mission (--telemetry compare). */
const CPU_MS_PER_MISSION = new Map<string, number>();

/**
 * What telemetry cost (positive = slower with it on): per ABBA round, from the mean of its two
 * runs each way, and over the rounds their mean with a 95% interval (Student's t), the figure to
 * hold against the target when there are several.
 */
function telemetryCost(phase: string, summaries: readonly PhaseSummary[], rounds: number): string {
  const runs = summaries.filter((summary) => summary.phase.startsWith(`${phase} #`));
  const perRound = Array.from({ length: rounds }, (_, round) => roundCost(runs.slice(round * 4, round * 4 + 4)));
  const lines = [`[${phase}] telemetry cost (ABBA order, 2 runs each way per round):`];
  for (const [round, cost] of perRound.entries())
    lines.push(
      `  round ${round + 1}: throughput ${cost.offRate.toFixed(0)}/s off, ${cost.onRate.toFixed(0)}/s on: ${signed(cost.throughput)}% (target < 10%); ` +
        `CPU per mission ${cost.offCpu.toFixed(2)} ms off, ${cost.onCpu.toFixed(2)} ms on: ${signed(cost.cpu)}%`,
    );
  if (rounds > 1) {
    const throughput = meanWithInterval(perRound.map((cost) => cost.throughput));
    const cpu = meanWithInterval(perRound.map((cost) => cost.cpu));
    lines.push(
      `  mean of ${rounds} rounds: throughput ${signed(throughput.mean)}% ± ${throughput.halfWidth.toFixed(1)} (95%; target < 10%), ` +
        `CPU per mission ${signed(cpu.mean)}% ± ${cpu.halfWidth.toFixed(1)} (the services' own CPU)`,
    );
  }
  return lines.join('\n');
}

function roundCost(runs: readonly PhaseSummary[]) {
  const side = (on: boolean) => runs.filter((run) => run.phase.endsWith(on ? ' on' : ' off'));
  const rate = (on: boolean) => mean(side(on).map((run) => run.completedPerSecond));
  const cpu = (on: boolean) => mean(side(on).map((run) => CPU_MS_PER_MISSION.get(run.phase) ?? 0));
  const [offRate, onRate, offCpu, onCpu] = [rate(false), rate(true), cpu(false), cpu(true)];
  return {
    offRate,
    onRate,
    offCpu,
    onCpu,
    throughput: offRate > 0 ? ((offRate - onRate) / offRate) * 100 : Number.NaN,
    cpu: offCpu > 0 ? ((onCpu - offCpu) / offCpu) * 100 : Number.NaN,
  };
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

/** Two-sided 95% quantiles of Student's t by degrees of freedom (1-10; beyond, 2.0 is close enough). */
const T_95 = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23];

function meanWithInterval(values: readonly number[]): { mean: number; halfWidth: number } {
  const m = mean(values);
  if (values.length < 2) return { mean: m, halfWidth: Number.NaN };
  const variance = values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1);
  const t = T_95[values.length - 2] ?? 2.0;
  return { mean: m, halfWidth: t * Math.sqrt(variance / values.length) };
}

async function runWarmup(system: TestSystem, bench: ChainBench, count: number): Promise<void> {
  const profile: LoadProfile = { phase: 'warmup', count, rate: 0, concurrency: 32 };
  const warmup = summarize(await bench.run(profile));
  log(`[warmup] ${warmup.completed}/${warmup.sent} credited in ${warmup.durationS} s (not reported)`);
  await waitForQuiet(system);
}

/**
 * The wallet branch is what a phase waits for, but the mission service is still recording
 * reward ids and publishing MissionRewarded. Let that finish so the next phase starts on an
 * idle system rather than paying for the previous one's tail.
 */
async function waitForQuiet(system: TestSystem): Promise<void> {
  const deadline = performance.now() + QUIET_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const pending =
      (await system.count('mission.missions', 'reward_id is null')) +
      (await system.count('mission.outbox_events', 'published_at is null')) +
      (await system.count('reward.outbox_events', 'published_at is null')) +
      (await system.count('wallet.outbox_events', 'published_at is null'));
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, QUIET_CHECK_MS));
  }
  log(`system still busy after ${QUIET_TIMEOUT_MS / 1000} s; going on`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
