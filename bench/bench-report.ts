import { availableParallelism, loadavg } from 'node:os';
import type { Mode } from '#testing/test-system';
import type { ErrorTally, PhaseMeasurement } from './chain-bench.js';
import { type LatencyStats, latencyStats } from './latency-stats.js';

/** The targets; reported against, never asserted. */
export const TARGETS = { sustainedPerSecond: 1000, latencyP99Ms: 250, latencyAtRate: 500 } as const;

/** A latency phase completing less than this share of its offered rate did not keep up. */
const FELL_BEHIND_RATIO = 0.95;

/** Other work on the machine skews every figure; the load average at start tells whether there was any. */
export interface HostInfo {
  readonly cpus: number;
  readonly loadAverage: number;
}

export function hostInfo(): HostInfo {
  return { cpus: availableParallelism(), loadAverage: round(loadavg()[0], 2) };
}

export interface PhaseSummary {
  readonly phase: string;
  /** Offered missions/s; 0 = unlimited. */
  readonly rate: number;
  readonly concurrency: number;
  readonly sent: number;
  readonly achieved: number;
  readonly completed: number;
  readonly notCredited: number;
  readonly errors: Readonly<Record<string, ErrorTally>>;
  /** First send to the last answer or completion, whichever came later. */
  readonly durationS: number;
  /** Successful AchieveMission calls per second, first send to last answer. */
  readonly achievedPerSecond: number;
  /** Missions whose reward reached the wallet per second, first send to last completion. */
  readonly completedPerSecond: number;
  /** Worst delay of a send behind its schedule; null at an unlimited rate, where there is no schedule. */
  readonly maxScheduleLagMs: number | null;
  readonly achieveLatencyMs: LatencyStats;
  readonly achieveToWalletMs: LatencyStats;
  /** CPU seconds per 1,000 credited missions by process group (bench/process-stats.ts), when measured. */
  readonly cpuPer1000Missions?: Readonly<Record<string, number>>;
  /** Resident memory by process group at the phase's end, MiB. */
  readonly rssMiB?: Readonly<Record<string, number>>;
}

export function summarize(measurement: PhaseMeasurement): PhaseSummary {
  const { profile, startedAt } = measurement;
  const achieved = measurement.achieveLatencies.length;
  const completed = measurement.creditLatencies.length;
  const durationS = (Math.max(measurement.lastCreditedAt, measurement.lastAnsweredAt) - startedAt) / 1000;
  return {
    phase: profile.phase,
    rate: profile.rate,
    concurrency: profile.concurrency,
    sent: measurement.sent,
    achieved,
    completed,
    notCredited: achieved - completed,
    errors: measurement.errors,
    durationS: round(durationS, 2),
    achievedPerSecond: perSecond(achieved, measurement.lastAnsweredAt - startedAt),
    completedPerSecond: perSecond(completed, measurement.lastCreditedAt - startedAt),
    maxScheduleLagMs: profile.rate === 0 ? null : round(measurement.maxScheduleLagMs, 1),
    achieveLatencyMs: latencyStats(measurement.achieveLatencies),
    achieveToWalletMs: latencyStats(measurement.creditLatencies),
  };
}

/** The human-readable report. */
export function formatReport(mode: Mode, phases: readonly PhaseSummary[], host: HostInfo): string {
  const runs = formatTable(
    [
      'phase',
      'offered/s',
      'max in flight',
      'sent',
      'achieved',
      'completed',
      'not credited',
      'errors',
      'duration s',
      'achieved/s',
      'completed/s',
      'max send lag ms',
    ],
    phases.map((p) => [
      p.phase,
      p.rate === 0 ? 'unlimited' : String(p.rate),
      String(p.concurrency),
      String(p.sent),
      String(p.achieved),
      String(p.completed),
      String(p.notCredited),
      String(errorCount(p)),
      p.durationS.toFixed(2),
      String(p.achievedPerSecond),
      String(p.completedPerSecond),
      p.maxScheduleLagMs === null ? '-' : String(p.maxScheduleLagMs),
    ]),
  );
  const latencies = formatTable(
    ['phase', 'latency (ms)', 'p50', 'p95', 'p99', 'max'],
    phases.flatMap((p) => [
      [p.phase, 'AchieveMission call', ...statCells(p.achieveLatencyMs)],
      [p.phase, 'achieve -> wallet', ...statCells(p.achieveToWalletMs)],
    ]),
    2,
  );
  return [
    `Reward chain benchmark (mode: ${mode}; ${host.cpus} CPUs, load average ${host.loadAverage} at start)`,
    '',
    runs,
    '',
    latencies,
    '',
    ...errorLines(phases),
    ...targetLines(phases),
    '',
    'achieve -> wallet runs from the AchieveMission answer to the wallet.credited event, which the',
    "wallet's outbox relay publishes after the wallet commit: a conservative (upper-bound) measure.",
    'completed/s counts missions credited, from the first send to the last credit. Mission, reward,',
    'wallet and this load generator share one Node process (one event loop), as in the tests.',
  ].join('\n');
}

export function summaryJson(mode: Mode, phases: readonly PhaseSummary[], host: HostInfo): string {
  return JSON.stringify({ bench: 'reward-chain', mode, host, targets: TARGETS, phases });
}

function targetLines(phases: readonly PhaseSummary[]): string[] {
  const lines = ['Targets (from the issue, not asserted):'];
  const throughput = phases.find((p) => p.phase === 'throughput');
  if (throughput) {
    const met = throughput.completedPerSecond >= TARGETS.sustainedPerSecond;
    lines.push(`  sustained >= ${TARGETS.sustainedPerSecond} missions/s: ${throughput.completedPerSecond}/s  ${verdict(met)}`);
  }
  const latency = phases.find((p) => p.phase === 'latency');
  if (latency) {
    // Percentiles cover only the missions that made it, so a failed or lost one voids the verdict.
    const met = latency.achieveToWalletMs.p99 < TARGETS.latencyP99Ms && latency.notCredited === 0 && errorCount(latency) === 0;
    const offered =
      latency.rate === TARGETS.latencyAtRate ? '' : ` (offered ${latency.rate}/s, target is stated at ${TARGETS.latencyAtRate}/s)`;
    lines.push(`  p99 achieve -> wallet < ${TARGETS.latencyP99Ms} ms: ${latency.achieveToWalletMs.p99} ms  ${verdict(met)}${offered}`);
    // Below the offered rate the backlog grows for the whole phase, so latency measures the queue.
    if (latency.rate > 0 && latency.completedPerSecond < latency.rate * FELL_BEHIND_RATIO) {
      lines.push(`  note: the chain completed ${latency.completedPerSecond}/s of ${latency.rate}/s offered; the latency is mostly backlog`);
    }
  }
  return lines;
}

function verdict(met: boolean): string {
  return met ? 'MET' : 'MISSED';
}

function statCells(stats: LatencyStats): string[] {
  return [stats.p50, stats.p95, stats.p99, stats.max].map((ms) => ms.toFixed(1));
}

function errorCount(phase: PhaseSummary): number {
  return Object.values(phase.errors).reduce((sum, tally) => sum + tally.count, 0);
}

function errorLines(phases: readonly PhaseSummary[]): string[] {
  const lines = phases.flatMap((p) =>
    Object.entries(p.errors).map(([code, tally]) => `  ${p.phase}: ${code} x${tally.count}, e.g. ${tally.example}`),
  );
  return lines.length === 0 ? [] : ['Errors:', ...lines, ''];
}

/** The first `labelColumns` columns left-aligned, the figures after them right-aligned. */
function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], labelColumns = 1): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i < labelColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round((count * 1000) / elapsedMs) : 0;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
