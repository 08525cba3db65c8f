/**
 * How long the platform takes to be ready and how much memory it then holds, for both ways of
 * running it on a machine:
 *
 *   npx tsx bench/startup-bench.ts [--target npm-start|make-up] [--runs 3] [--command "npm start"] [--cwd DIR]
 *
 * npm-start (default): runs the command (`npm start`) on PGlite and the in-process bus, every port
 * moved to a free one, and times from spawn to the "platform ready" log line.
 * make-up: runs `make -s up` on the machine's Postgres and RabbitMQ with a database, exchange,
 * queue prefix, state directory and ports of its own (STARTUP_BENCH_BASE_PORT, default 17000),
 * and times from spawn until `make up` returns (every replica SERVING, the gateway listening).
 * Either way memory is then summed over the whole process tree (VmRSS, and PSS, which splits
 * pages shared between processes fairly), a moment after ready. Several runs; each is reported,
 * and the median, with the load average at start: the machine is shared, compare in one sitting.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import postgres from 'postgres';
import { SERVICE_NAMES } from '#contracts/service-catalog';
import { freePorts } from '#testing/free-ports';

const SERVICES = SERVICE_NAMES;

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

interface Memory {
  readonly processes: number;
  readonly rssMiB: number;
  readonly pssMiB: number;
  /** CPU time the live processes used so far, with that of the children they waited for. */
  readonly cpuSeconds: number;
}

const CLOCK_TICKS = 100;

/** utime, stime, cutime and cstime of /proc/<pid>/stat, in seconds. */
function cpuSecondsOf(pid: number | 'self', withChildren = true): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at state (3rd); utime is the 14th, so index 11 here.
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return (utime + stime + (withChildren ? cutime + cstime : 0)) / CLOCK_TICKS;
}

/** CPU of every process this bench waited for (make, npm, the launcher's builds). */
function reapedCpuSeconds(): number {
  return cpuSecondsOf('self') - cpuSecondsOf('self', false);
}

/** Resident memory of the given pids and every descendant (Linux /proc). */
function treeMemory(roots: readonly number[]): Memory {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  let rssKiB = 0;
  let pssKiB = 0;
  let processes = 0;
  let cpuSeconds = 0;
  for (const pid of seen) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      cpuSeconds += cpuSecondsOf(pid);
      rssKiB += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pssKiB += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      processes += 1;
    } catch {
      /* exited meanwhile, or a kernel thread */
    }
  }
  return { processes, rssMiB: rssKiB / 1024, pssMiB: pssKiB / 1024, cpuSeconds };
}

interface Run {
  readonly readyMs: number;
  readonly memory: Memory;
  /** CPU seconds from spawn to ready, over every process involved (load-independent, unlike readyMs). */
  readonly cpuSeconds: number;
}

/** --cwd: where the command runs (another checkout, to compare two versions in one sitting). */
const CWD = argument('cwd', fileURLToPath(new URL('..', import.meta.url)));

function run(command: string, env: NodeJS.ProcessEnv) {
  const child = spawn('bash', ['-c', command], { cwd: CWD, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => output };
}

/** Memory a moment after ready, once start-up garbage had a chance to go. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));

async function measureNpmStart(command: string): Promise<Run> {
  const ports = await freePorts(SERVICES.length + 3);
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
  for (const [i, service] of SERVICES.entries()) env[`${service.toUpperCase()}_GRPC_PORT`] = String(ports[i]);
  const [gateway, identity, metrics] = ports.slice(SERVICES.length);
  Object.assign(env, { GATEWAY_PORT: String(gateway), IDENTITY_PORT: String(identity), METRICS_PORT: String(metrics) });
  for (const name of ['DATABASE_URL', 'AMQP_URL', 'AUTH_ISSUER', 'PGLITE_DIR']) delete env[name];
  const started = performance.now();
  const reapedBefore = reapedCpuSeconds();
  const process_ = run(command, env);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (process_.output().includes('"platform ready"')) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
      process_.exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`exited with ${code} before ready:\n${process_.output().slice(-2000)}`));
      });
    });
    const readyMs = performance.now() - started;
    const cpuSeconds = reapedCpuSeconds() - reapedBefore + treeMemory([process_.child.pid as number]).cpuSeconds;
    await settle();
    return { readyMs, cpuSeconds, memory: treeMemory([process_.child.pid as number]) };
  } finally {
    process.kill(-(process_.child.pid as number), 'SIGTERM');
    await process_.exited;
  }
}

/** `make up`'s resources for this bench: its own database, exchange and queues, removed after. */
const BENCH_ID = `startup_bench_${process.pid}`;
const ADMIN_URL = process.env.STARTUP_BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.STARTUP_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function makeUpEnv(stateDir: string): NodeJS.ProcessEnv {
  const base = Number(process.env.STARTUP_BENCH_BASE_PORT ?? 17000);
  const env: NodeJS.ProcessEnv = {};
  // Nothing of the caller's that would point this copy at another one's servers or ports.
  for (const [name, value] of Object.entries(process.env))
    if (!/(_GRPC_PORT|_ADDRESS|_DATABASE_URL|^GATEWAY_PORT|^IDENTITY_PORT|^METRICS_PORT|^AUTH_ISSUER|^LOCAL_CLUSTER_DIR)$/.test(name))
      env[name] = value;
  for (const [i, service] of SERVICES.entries()) env[`${service.toUpperCase()}_GRPC_PORT`] = String(base + i);
  const database = new URL(ADMIN_URL);
  database.pathname = `/${BENCH_ID}`;
  return {
    ...env,
    GATEWAY_PORT: String(base + 10),
    IDENTITY_PORT: String(base + 11),
    LOCAL_CLUSTER_DIR: stateDir,
    DATABASE_URL: database.toString(),
    AMQP_URL,
    EVENTS_EXCHANGE: `${BENCH_ID}.events`,
    EVENTS_QUEUE_PREFIX: BENCH_ID,
    GRPC_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
}

async function measureMakeUp(): Promise<Run> {
  const stateDir = mkdtempSync(join(tmpdir(), 'startup-bench-'));
  const env = makeUpEnv(stateDir);
  const started = performance.now();
  const reapedBefore = reapedCpuSeconds();
  const up = run('make -s up', env);
  try {
    const code = await up.exited;
    if (code !== 0) throw new Error(`make up exited with ${code}:\n${up.output().slice(-3000)}`);
    const readyMs = performance.now() - started;
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { supervisorPid: number; processes: { pid: number }[] };
    const pids = [state.supervisorPid, ...state.processes.map(({ pid }) => pid)];
    const cpuSeconds = reapedCpuSeconds() - reapedBefore + treeMemory(pids).cpuSeconds;
    await settle();
    return { readyMs, cpuSeconds, memory: treeMemory(pids) };
  } finally {
    const down = run('make -s down', env);
    await down.exited;
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function dropMakeUpResources(): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const service of SERVICES)
      for (const suffix of ['', '.retry', '.dlq']) await channel.deleteQueue(`${BENCH_ID}.${service}${suffix}`);
    for (const exchange of [`${BENCH_ID}.events`, `${BENCH_ID}.events.dlx`]) await channel.deleteExchange(exchange);
  } finally {
    await connection.close().catch(() => {});
  }
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${BENCH_ID}" with (force)`);
  await admin.end();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (value: number) => `${value.toFixed(0)} MiB`;

const runs = Number(argument('runs', '3'));
const target = argument('target', 'npm-start');
if (target !== 'npm-start' && target !== 'make-up') {
  console.error('usage: startup-bench.ts [--target npm-start|make-up] [--runs N] [--command "npm start"]');
  process.exit(2);
}
const command = target === 'make-up' ? 'make -s up' : argument('command', 'npm start');
const load = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
console.log(`${command} in ${CWD}: ${runs} runs on ${process.platform}, load average at start ${load}`);
const results: Run[] = [];
try {
  for (let index = 1; index <= runs; index += 1) {
    const result = target === 'make-up' ? await measureMakeUp() : await measureNpmStart(command);
    results.push(result);
    const { processes, rssMiB, pssMiB } = result.memory;
    console.log(
      `run ${index}: ready in ${(result.readyMs / 1000).toFixed(2)} s (${result.cpuSeconds.toFixed(1)} CPU s); ` +
        `${processes} processes, RSS ${mib(rssMiB)}, PSS ${mib(pssMiB)}`,
    );
  }
} finally {
  if (target === 'make-up') await dropMakeUpResources();
}
console.log(
  `median of ${runs} (${command}): ready in ${(median(results.map((r) => r.readyMs)) / 1000).toFixed(2)} s ` +
    `(${median(results.map((r) => r.cpuSeconds)).toFixed(1)} CPU s), ` +
    `RSS ${mib(median(results.map((r) => r.memory.rssMiB)))}, PSS ${mib(median(results.map((r) => r.memory.pssMiB)))}; ` +
    `load average now ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
);
// One JSON line last, for the bench suite (bench/run-suite.ts).
console.log(
  JSON.stringify({
    bench: 'startup',
    target,
    command,
    runs: results.map((r) => ({
      readyMs: Math.round(r.readyMs),
      cpuSeconds: r.cpuSeconds,
      rssMiB: Math.round(r.memory.rssMiB),
      pssMiB: Math.round(r.memory.pssMiB),
    })),
    medianReadyMs: Math.round(median(results.map((r) => r.readyMs))),
    medianCpuSeconds: median(results.map((r) => r.cpuSeconds)),
    medianRssMiB: Math.round(median(results.map((r) => r.memory.rssMiB))),
    medianPssMiB: Math.round(median(results.map((r) => r.memory.pssMiB))),
  }),
);
