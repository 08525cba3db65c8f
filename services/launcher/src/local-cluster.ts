/**
 * `make up` / `make down` / `make ps`: the cluster's topology on this machine without
 * containers. Every service runs as its own processes (REPLICAS each, default 2, on the
 * service's port and port + 100) against the machine's Postgres and RabbitMQ; services that call
 * another service get all its replicas, balanced round robin, as the mesh would; the REST
 * gateway runs in front on GATEWAY_PORT (8080), as Envoy does in the cluster.
 *
 * `up` leaves a supervisor process behind (`supervise`), which plays the kubelet: a replica
 * that crashes is restarted with a doubling backoff (1 s up to 30 s), each crash and restart is
 * logged to .data/local-cluster/logs/supervisor.log, and `ps` shows the restarts.
 *
 * `make up` runs this module compiled, from the tree the container image runs (the Makefile
 * builds it into dist/runtime with scripts/deploy/build-runtime.ts when a source is newer), and
 * so every process it starts runs compiled JavaScript: nothing is transpiled at start and no
 * esbuild helper sits beside each process. Started from the sources (tsx) it runs them.
 *
 *   make up|down|ps   (or: npx tsx services/launcher/src/local-cluster.ts up|down|ps)
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  type FSWatcher,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '#platform/logging/logger';
import { StartupError, startOrExit } from '#platform/runtime/startup-error';
import type { ClusterPlan } from './local-cluster-plan.js';
import { serviceTarget } from './local-cluster-targets.js';
import { metricsPortFor, ProcessSupervisor, replicaPort, type ServiceProcess, waitUntilServing } from './process-supervisor.js';
import { prometheusScrapeConfig } from './prometheus-scrape-config.js';
import { buildWebPage, COMPILED, REPO_ROOT, SOURCE_WEB_DIST_DIR, TREE } from './source-tree.js';

/** The repository: every process's working directory, and the home of the state. */
const ROOT = REPO_ROOT;
/**
 * Node's flags for each service process (compiled runs only). A young generation of at most
 * 2 MiB per semi-space instead of 16: these processes each handle a small share of the load, and
 * the smaller nursery keeps each one's resident memory down (measured in docs/performance.md,
 * "Start-up and footprint"). Two V8 worker threads instead of four: 16 processes share the
 * machine's cores, and each thread kept its own allocation arenas (the 16 services: 912 -> 843
 * MiB PSS). Source maps stay on, for stack traces that name the TypeScript (about 5 MiB each).
 * LOCAL_CLUSTER_NODE_OPTIONS replaces them.
 */
const SERVICE_NODE_ARGS = ['--enable-source-maps', '--max-semi-space-size=2', '--v8-pool-size=2'];
/** LOCAL_CLUSTER_DIR moves the state (and logs) so a second copy can be up beside the first. */
const STATE_DIR = process.env.LOCAL_CLUSTER_DIR || join(ROOT, '.data', 'local-cluster');
const STATE_FILE = join(STATE_DIR, 'state.json');
const PROMETHEUS_CONFIG = join(STATE_DIR, 'prometheus.yml');

interface ClusterState {
  /** The supervisor process (`supervise`); `down` stops it and it stops the rest. */
  supervisorPid?: number;
  /** Set by the supervisor once every process is up, or why starting failed. */
  ready?: boolean;
  failed?: string;
  processes: { service: string; replica: number; port: number; pid: number; restarts?: number }[];
}

const RESTART_POLICY = { initialBackoffMs: 1_000, maxBackoffMs: 30_000, resetAfterMs: 60_000 };
/**
 * Processes starting at once. A start is mostly CPU (loading modules) with some waiting on the
 * servers (connections, migrations): twice the cores keeps them busy, where all at once would
 * only stretch every start towards its time-out on a loaded machine.
 */
const STARTING_AT_ONCE = 2 * availableParallelism();
/** Per process, from its spawn: generous, for a machine shared with other work. */
const START_TIMEOUT_MS = 120_000;

async function up(): Promise<void> {
  if (existsSync(STATE_FILE))
    throw new StartupError(`already up (${STATE_FILE}): run "make down" first, or set LOCAL_CLUSTER_DIR for a second copy`);
  const { planCluster, checkPlan } = await import('./local-cluster-plan.js');
  const plan = planCluster(process.env);
  const logger = createLogger({ level: plan.logLevel, pretty: true });
  await checkPlan(plan, process.env, logger);
  // My Page at /, as npm start serves it (the gateway's static files), built (or found up to date)
  // in a process of its own while the services start: the gateway reads the files per request.
  const staticDir = process.env.GATEWAY_STATIC_DIR || SOURCE_WEB_DIST_DIR;
  const webBuilt = process.env.GATEWAY_STATIC_DIR ? Promise.resolve() : buildWebPage('inherit');
  webBuilt.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
  mkdirSync(join(STATE_DIR, 'logs'), { recursive: true });
  const logPath = join(STATE_DIR, 'logs', 'supervisor.log');
  const log = openSync(logPath, 'a');
  // The supervisor runs as this process does: compiled, or the sources through tsx (execArgv).
  const supervisor = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'supervise'], {
    cwd: ROOT,
    env: { ...process.env, [PLAN_VARIABLE]: JSON.stringify(plan), GATEWAY_STATIC_DIR: staticDir },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  supervisor.unref();
  let printed = 0;
  const printNewLines = () => {
    const lines = readFileSync(logPath, 'utf8').split('\n');
    for (const line of lines.slice(printed, -1)) console.log(line);
    printed = Math.max(printed, lines.length - 1);
  };
  // The supervisor writes the state file when every process is up, or why not: watched, not polled.
  const readState = (): ClusterState | undefined => {
    try {
      return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ClusterState;
    } catch {
      return undefined; // not written yet
    }
  };
  let watcher: FSWatcher | undefined;
  const settled = new Promise<ClusterState>((resolve) => {
    const check = () => {
      const state = readState();
      if (state?.ready || state?.failed) resolve(state);
    };
    watcher = watch(STATE_DIR, check);
    supervisor.once('exit', () => resolve(readState() ?? { processes: [], failed: 'the supervisor exited' }));
    check();
  });
  const logs = setInterval(printNewLines, 250);
  let state: ClusterState;
  try {
    state = await settled;
  } finally {
    watcher?.close();
    clearInterval(logs);
    printNewLines();
  }
  if (state.ready) {
    try {
      await webBuilt;
    } catch (error) {
      await down();
      throw error;
    }
    console.log(`My Page on http://127.0.0.1:${plan.gatewayPort}/`);
    return;
  }
  if (existsSync(STATE_FILE)) rmSync(STATE_FILE);
  throw new StartupError(`${state.failed ?? 'the supervisor exited'} (see ${logPath})`);
}

/** The plan `up` checked, handed to the supervisor it spawns. */
const PLAN_VARIABLE = 'LOCAL_CLUSTER_PLAN';

async function supervise(): Promise<void> {
  const plan = JSON.parse(process.env[PLAN_VARIABLE] ?? '') as ClusterPlan;
  const { replicas, gatewayPort, identityPort, issuer } = plan;
  const staticDir = process.env.GATEWAY_STATIC_DIR ?? '';
  const state: ClusterState = { supervisorPid: process.pid, processes: [] };
  // Written whole, then renamed into place: `up` watches the file and never reads half of it.
  const save = () => {
    writeFileSync(`${STATE_FILE}.tmp`, JSON.stringify(state, null, 2));
    renameSync(`${STATE_FILE}.tmp`, STATE_FILE);
  };
  const compiled = COMPILED ? { dir: TREE, nodeArgs: serviceNodeArgs() } : undefined;
  const supervisor = new ProcessSupervisor({
    root: ROOT,
    compiled,
    logDir: join(STATE_DIR, 'logs'),
    startTimeoutMs: START_TIMEOUT_MS,
    restart: {
      ...RESTART_POLICY,
      onEvent: (event) => {
        const entry = state.processes.find((p) => p.service === event.service && p.replica === event.replica);
        if (event.kind === 'crashed') {
          console.log(
            `${event.service}#${event.replica} exited (code ${event.exitCode}, signal ${event.signal}); restarting in ${event.delayMs} ms`,
          );
        } else if (event.kind === 'restarted' && entry) {
          entry.pid = event.pid as number;
          entry.restarts = event.restarts;
          save();
          console.log(`${event.service}#${event.replica} restarted (pid ${event.pid}, restart ${event.restarts}) and SERVING`);
        } else if (event.kind === 'restart-failed') {
          console.log(`${event.service}#${event.replica} restart ${event.restarts} did not become SERVING: ${String(event.error)}`);
        }
      },
    },
    env: {
      DATABASE_URL: plan.databaseUrl,
      AMQP_URL: plan.amqpUrl,
      LOG_LEVEL: plan.logLevel,
      // Every replica's pool within a default Postgres's 100 connections (DATABASE_POOL_SIZE overrides).
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? String(poolPerReplica(plan.services.length, replicas)),
      GATEWAY_STATIC_DIR: staticDir,
      WALLET_GIFT_ADDRESS: serviceTarget(portOf(plan, 'gift'), replicas),
      AUTH_ISSUER: issuer,
      [PLAN_VARIABLE]: '',
      ...Object.fromEntries(plan.services.map(({ name, port }) => [`${name.toUpperCase()}_ADDRESS`, serviceTarget(port, replicas)])),
    },
  });
  save();
  let failedFirst: string | undefined;
  const slot = limiter(STARTING_AT_ONCE);
  /** Starts one process when a slot is free; the first that fails names the log that says why. */
  const started = async (name: string, replica: number, start: () => Promise<ServiceProcess>, where: (p: ServiceProcess) => string) => {
    try {
      const process_ = await slot(start);
      state.processes.push({ service: name, replica, port: process_.port, pid: process_.child.pid as number });
      console.log(`${name}#${replica} ${where(process_)} (pid ${process_.child.pid})`);
    } catch (error) {
      failedFirst ??= `${name}-${replica}`;
      throw error;
    }
  };
  try {
    if (plan.startIdentity) {
      // Every service asks the issuer for its keys as it starts: the provider comes first.
      // Its own environment has no AUTH_ISSUER (it is the issuer): the supervisor's env is for the services.
      const identity = new ProcessSupervisor({
        root: ROOT,
        compiled,
        logDir: join(STATE_DIR, 'logs'),
        startTimeoutMs: START_TIMEOUT_MS,
        detached: true,
        env: { LOG_LEVEL: plan.logLevel, AUTH_ISSUER: '', [PLAN_VARIABLE]: '' },
      });
      await started(
        'identity',
        0,
        () => identity.startIdentity(identityPort),
        () => `provider on ${issuer}; npm run token -- --role player --customer 11`,
      );
    }
    // Every service at once, and the REST edge in front (as Envoy is in the cluster) beside them.
    // A service's first replica migrates its schema before the others start: two replicas
    // migrating one fresh schema at once would both try to create it. Consumers declare their
    // queues before they report SERVING, and nothing publishes before `up` returns.
    const serving = (p: ServiceProcess) => `SERVING on 127.0.0.1:${p.port}, metrics http://127.0.0.1:${p.metricsPort}/metrics`;
    const startService = async ({ name, port }: { name: string; port: number }) => {
      const replica = (n: number) => started(name, n, () => supervisor.start(name, n, replicaPort(port, n)), serving);
      await replica(0);
      await Promise.all(Array.from({ length: replicas - 1 }, (_, n) => replica(n + 1)));
    };
    await Promise.all([
      ...plan.services.map(startService),
      started(
        'gateway',
        0,
        () => supervisor.startGateway(gatewayPort),
        (p) => `on http://127.0.0.1:${gatewayPort}, metrics http://127.0.0.1:${p.metricsPort}/metrics`,
      ),
    ]);
  } catch (error) {
    // The process that failed said why on its stderr, into its log: that line is the reason.
    const log = join(STATE_DIR, 'logs', `${failedFirst}.log`);
    const reason =
      failedFirst && existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((line) => line.startsWith('cannot start'))
            .at(-1)
        : undefined;
    state.failed = reason && failedFirst ? `${failedFirst.replace(/-(\d+)$/, '#$1')} ${reason} (log: ${log})` : String(error);
    save();
    await supervisor.stopAll();
    for (const { service, pid } of state.processes) if (service === 'identity') signal(pid, 'SIGTERM');
    throw error;
  }
  // In the catalog's order (they came up in any): identity, each service's replicas, the gateway.
  const order = ['identity', ...plan.services.map(({ name }) => name), 'gateway'];
  state.processes.sort((a, b) => order.indexOf(a.service) - order.indexOf(b.service) || a.replica - b.replica);
  writeFileSync(
    PROMETHEUS_CONFIG,
    prometheusScrapeConfig(state.processes.map(({ service, replica, port }) => ({ service, replica, metricsPort: metricsPortFor(port) }))),
  );
  console.log(
    `metrics: every process serves GET /metrics on its port + 1000; scrape them all with: prometheus --config.file=${PROMETHEUS_CONFIG}`,
  );
  console.log(
    `up: ${state.processes.length} processes, supervised (pid ${process.pid}); logs in ${join(STATE_DIR, 'logs')}; "make down" stops them`,
  );
  // Ready last: `up` prints this log up to here and returns.
  state.ready = true;
  save();
  const stop = async () => {
    await supervisor.stopAll();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // Stay up: the supervisor lives until `make down`.
  setInterval(() => {}, 1 << 30);
}

async function down(): Promise<void> {
  if (!existsSync(STATE_FILE)) {
    console.log('nothing is up');
    return;
  }
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ClusterState;
  // The supervisor first, so nothing is restarted while it goes; then every process it ran.
  if (state.supervisorPid) signal(state.supervisorPid, 'SIGTERM');
  for (const { pid } of state.processes) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (state.processes.some(({ pid }) => alive(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  for (const { pid } of state.processes) if (alive(pid)) signal(pid, 'SIGKILL');
  rmSync(STATE_FILE);
  console.log(`down: ${state.processes.length} processes stopped`);
}

async function ps(): Promise<void> {
  if (!existsSync(STATE_FILE)) {
    console.log('nothing is up');
    return;
  }
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ClusterState;
  if (state.supervisorPid)
    console.log(
      `${'supervisor'.padEnd(16)} pid ${String(state.supervisorPid).padEnd(8)} ${alive(state.supervisorPid) ? 'RUNNING' : 'DEAD'}`,
    );
  for (const entry of state.processes) {
    if (entry.service === 'gateway' || entry.service === 'identity') {
      console.log(
        `${entry.service.padEnd(16)} pid ${String(entry.pid).padEnd(8)} http://127.0.0.1:${entry.port}  ${alive(entry.pid) ? 'RUNNING' : 'DEAD'}`,
      );
      continue;
    }
    const health = await waitUntilServing(`127.0.0.1:${entry.port}`, undefined, 1500).then(
      () => 'SERVING',
      () => (alive(entry.pid) ? 'NOT SERVING' : 'DEAD'),
    );
    console.log(
      `${`${entry.service}#${entry.replica}`.padEnd(16)} pid ${String(entry.pid).padEnd(8)} 127.0.0.1:${entry.port}  ${health.padEnd(12)} restarts ${entry.restarts ?? 0}`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    /* already gone */
  }
}

/** Runs at most n of the given works at once, the others queued in the order they came. */
function limiter(n: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    // A finished work hands its slot straight to the next one waiting (active stays as it is).
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

function portOf(plan: ClusterPlan, service: string): number {
  return plan.services.find(({ name }) => name === service)?.port as number;
}

/** Node's flags for each service process when compiled: LOCAL_CLUSTER_NODE_OPTIONS, else SERVICE_NODE_ARGS. */
function serviceNodeArgs(): string[] {
  const given = process.env.LOCAL_CLUSTER_NODE_OPTIONS;
  return given === undefined ? SERVICE_NODE_ARGS : given.split(/\s+/).filter(Boolean);
}

const commands: Record<string, () => Promise<void>> = { up, down, ps, supervise };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: local-cluster.ts up|down|ps');
  process.exit(2);
}
await startOrExit(command);

/**
 * Connections each replica may hold: a default Postgres allows 100, of which a few are kept for
 * superusers and for the operator's psql. 7 services x 2 replicas: 5 each, 70 in all.
 */
export function poolPerReplica(services: number, replicas: number): number {
  return Math.max(1, Math.min(10, Math.floor(80 / (services * replicas))));
}
