import { parseArgs } from 'node:util';
import type { Mode } from '#testing/test-system';

/** The measured phases, plus the unmeasured warm-up that precedes them. */
export type PhaseName = 'warmup' | 'throughput' | 'latency';

/** One load phase: how many missions, at what offered rate, with how many calls in flight at most. */
export interface LoadProfile {
  readonly phase: PhaseName;
  readonly count: number;
  /** Missions per second; 0 sends as fast as the concurrency cap allows. */
  readonly rate: number;
  readonly concurrency: number;
}

export interface BenchOptions {
  readonly mode: Mode;
  /** Run mission, reward and wallet as separate OS processes (the `make up` topology). */
  readonly processes: boolean;
  /** Processes per service with --processes (a deployment runs 2). */
  readonly replicas: number;
  readonly profiles: readonly LoadProfile[];
  /** Missions sent (and waited for) before the first phase, so JIT, pools and channels are warm. */
  readonly warmup: number;
  /** After the last send, stop waiting for credits once none has arrived for this long. */
  readonly drainIdleMs: number;
  /** Tracing and metrics on, off, or each phase run twice (off, then on) to compare. */
  readonly telemetry: 'on' | 'off' | 'compare';
  /** --telemetry compare: how many times the ABBA order is run. */
  readonly rounds: number;
}

/**
 * Defaults sized for the 2-core dev machine: the throughput phase saturates the chain, the
 * latency phase offers the 500/s for 10 s. The latency phase's cap is high so the
 * schedule stays open-loop (a low cap would turn slow responses into fewer sends).
 */
const DEFAULT_PROFILES: Record<'throughput' | 'latency', LoadProfile> = {
  throughput: { phase: 'throughput', count: 10_000, rate: 0, concurrency: 256 },
  latency: { phase: 'latency', count: 5_000, rate: 500, concurrency: 2_000 },
};

export const USAGE = `Usage: npm run bench -- [options]

  --mode servers|embedded     servers: local Postgres + RabbitMQ (default); embedded: PGlite + in-process bus
  --phase throughput|latency|all   default all (throughput, then latency)
  --count N                   missions per phase (default 10000 throughput, 5000 latency)
  --rate R                    missions/s offered, 0 = unlimited (default 0 throughput, 500 latency)
  --concurrency C             cap on AchieveMission calls in flight (default 256 throughput, 2000 latency)
  --processes                 mission, reward and wallet as separate OS processes (as \`make up\`
                              and a deployment run them) instead of in this process
  --replicas N                processes per service with --processes (default 1; a deployment runs 2)
  --warmup N                  unmeasured missions before the first phase (default 200)
  --drain-idle-ms MS          give up waiting for credits after MS without one (default 15000)
  --telemetry on|off|compare  tracing + metrics on (default), off, or every phase run four times
                              in the same run (off, on, on, off) with the throughput cost reported
                              (in-process services only)
  --rounds N                  with --telemetry compare: the ABBA order N times over (default 1), the
                              cost reported per round and as their mean with its 95% interval

--count, --rate and --concurrency override the chosen phase(s). Platform tuning variables
(DATABASE_POOL_SIZE, EVENTS_PREFETCH, OUTBOX_BATCH_SIZE, OUTBOX_POLL_MS, ...) are passed to
the services from the environment; TEST_LOG_LEVEL=warn shows service logs.`;

/** Parses argv; returns undefined when only help was asked for. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      mode: { type: 'string', default: 'servers' },
      phase: { type: 'string', default: 'all' },
      count: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      warmup: { type: 'string', default: '200' },
      'drain-idle-ms': { type: 'string', default: '15000' },
      processes: { type: 'boolean', default: false },
      replicas: { type: 'string', default: '1' },
      telemetry: { type: 'string', default: 'on' },
      rounds: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;

  const mode = oneOf('--mode', values.mode, ['servers', 'embedded'] as const);
  const phase = oneOf('--phase', values.phase, ['throughput', 'latency', 'all'] as const);
  const phases: ('throughput' | 'latency')[] = phase === 'all' ? ['throughput', 'latency'] : [phase];
  const profiles = phases.map((name) => {
    const defaults = DEFAULT_PROFILES[name];
    return {
      phase: name,
      count: optionalNumber('--count', values.count, 1) ?? defaults.count,
      rate: optionalNumber('--rate', values.rate, 0) ?? defaults.rate,
      concurrency: optionalNumber('--concurrency', values.concurrency, 1) ?? defaults.concurrency,
    };
  });
  if (values.processes && mode !== 'servers') throw new Error('--processes needs --mode servers');
  const telemetry = oneOf('--telemetry', values.telemetry, ['on', 'off', 'compare'] as const);
  if (values.processes && telemetry !== 'on')
    throw new Error('--telemetry off|compare switches telemetry in this process: not with --processes');
  return {
    mode,
    processes: values.processes ?? false,
    replicas: optionalNumber('--replicas', values.replicas, 1) ?? 1,
    profiles,
    warmup: optionalNumber('--warmup', values.warmup, 0) ?? 0,
    drainIdleMs: optionalNumber('--drain-idle-ms', values['drain-idle-ms'], 100) ?? 0,
    telemetry,
    rounds: optionalNumber('--rounds', values.rounds, 1) ?? 1,
  };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function optionalNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min) throw new Error(`${flag} must be a number >= ${min}`);
  return parsed;
}
