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
 *   npx tsx services/launcher/src/local-cluster.ts up|down|ps
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { DEFAULT_IDENTITY_PORT } from '#platform/auth/auth-config';
import { readInt, readOptionalString, readString } from '#platform/config/env-reader';
import { readPlatformConfig } from '#platform/config/platform-config';
import { waitForPostgres } from '#platform/db/postgres-readiness';
import { createLogger, type Logger } from '#platform/logging/logger';
import { assertPortsFree } from '#platform/runtime/port-check';
import { checkBeforeStart } from '#platform/runtime/preflight';
import { StartupError, startOrExit } from '#platform/runtime/startup-error';
import { loadDescriptorRegistry } from '../../gateway/src/descriptor/descriptor-registry.js';
import { readGatewayConfig } from '../../gateway/src/gateway-config.js';
import { serviceTarget } from './local-cluster-targets.js';
import { metricsPortFor, ProcessSupervisor, replicaPort, waitUntilServing } from './process-supervisor.js';
import { prometheusScrapeConfig } from './prometheus-scrape-config.js';
import { SERVICE_MODULES } from './service-modules.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
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

async function ensureDatabase(url: string, logger: Logger): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await waitForPostgres({ url: admin.toString(), variable: 'DATABASE_URL', retries: readPlatformConfig().databaseConnectRetries, logger });
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!exists) await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
}

async function up(): Promise<void> {
  if (existsSync(STATE_FILE))
    throw new StartupError(`already up (${STATE_FILE}): run "make down" first, or set LOCAL_CLUSTER_DIR for a second copy`);
  const plan = await planCluster(process.env);
  // Everything each process will read, checked here first, with every port of every replica.
  // METRICS_PORT 0: the supervisor gives each process its own (its gRPC port + 1000).
  await checkBeforeStart(SERVICE_MODULES, plan.config, { ...plan.childEnv, METRICS_PORT: '0' });
  await assertPortsFree([
    ...SERVICE_MODULES.flatMap((module) =>
      Array.from({ length: plan.replicas }, (_, replica) => ({
        port: replicaPort(plan.portOf[module.name], replica),
        host: plan.config.grpcHost,
        variable: `${module.name.toUpperCase()}_GRPC_PORT`,
      })),
    ),
    { port: plan.gatewayPort, host: '0.0.0.0', variable: 'GATEWAY_PORT' },
  ]);
  const logger = createLogger({ level: plan.config.logLevel, pretty: true });
  await ensureDatabase(plan.databaseUrl, logger);
  // My Page at /, as npm start serves it (the gateway's static files).
  const staticDir = process.env.GATEWAY_STATIC_DIR || (await buildWebPage());
  mkdirSync(join(STATE_DIR, 'logs'), { recursive: true });
  const logPath = join(STATE_DIR, 'logs', 'supervisor.log');
  const log = openSync(logPath, 'a');
  const supervisor = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'supervise'], {
    cwd: ROOT,
    env: { ...process.env, GATEWAY_STATIC_DIR: staticDir },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  supervisor.unref();
  let printed = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = readFileSync(logPath, 'utf8').split('\n');
    for (const line of lines.slice(printed, -1)) console.log(line);
    printed = Math.max(printed, lines.length - 1);
    const state = existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ClusterState) : undefined;
    if (state?.ready) return;
    if (state?.failed || supervisor.exitCode !== null || !alive(supervisor.pid as number)) {
      if (existsSync(STATE_FILE) && !state?.ready) rmSync(STATE_FILE);
      throw new StartupError(`${state?.failed ?? 'the supervisor exited'} (see ${logPath})`);
    }
  }
}

/** What `up` checks and `supervise` runs, read from the same environment. */
async function planCluster(env: NodeJS.ProcessEnv) {
  const replicas = readInt(env, 'REPLICAS', 2, { min: 1, max: 5 });
  const databaseUrl = readString(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/game_local');
  const amqpUrl = readString(env, 'AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672');
  const logLevel = readString(env, 'LOG_LEVEL', 'info');
  const childEnv = { ...env, DATABASE_URL: databaseUrl, AMQP_URL: amqpUrl, LOG_LEVEL: logLevel };
  const config = readPlatformConfig(childEnv);
  const gatewayPort = readGatewayConfig(loadDescriptorRegistry(), childEnv).port;
  // Base ports follow <SERVICE>_GRPC_PORT like every other entry point, so a second copy can run beside.
  const portOf: Record<string, number> = Object.fromEntries(
    SERVICE_MODULES.map((module) => [
      module.name,
      readInt(env, `${module.name.toUpperCase()}_GRPC_PORT`, module.defaultPort, { min: 1, max: 65535 }),
    ]),
  );
  // Tokens: a real issuer if AUTH_ISSUER names one, else the development provider started first.
  const identityPort = readInt(env, 'IDENTITY_PORT', DEFAULT_IDENTITY_PORT, { min: 1, max: 65535 });
  const issuer = readOptionalString(env, 'AUTH_ISSUER') ?? `http://localhost:${identityPort}`;
  return { replicas, databaseUrl, amqpUrl, logLevel, childEnv, config, gatewayPort, portOf, identityPort, issuer };
}

async function supervise(): Promise<void> {
  const env = process.env;
  const { replicas, databaseUrl, amqpUrl, logLevel, gatewayPort, portOf, identityPort, issuer } = await planCluster(env);
  const staticDir = readString(env, 'GATEWAY_STATIC_DIR', '');
  const state: ClusterState = { supervisorPid: process.pid, processes: [] };
  const save = () => writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  const supervisor = new ProcessSupervisor({
    root: ROOT,
    logDir: join(STATE_DIR, 'logs'),
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
      DATABASE_URL: databaseUrl,
      AMQP_URL: amqpUrl,
      LOG_LEVEL: logLevel,
      GATEWAY_STATIC_DIR: staticDir,
      WALLET_GIFT_ADDRESS: serviceTarget(portOf.gift, replicas),
      AUTH_ISSUER: issuer,
      ...Object.fromEntries(
        SERVICE_MODULES.map((module) => [`${module.name.toUpperCase()}_ADDRESS`, serviceTarget(portOf[module.name], replicas)]),
      ),
    },
  });
  save();
  let starting = '';
  try {
    if (!readOptionalString(env, 'AUTH_ISSUER')) {
      // Its own environment has no AUTH_ISSUER (it is the issuer): the supervisor's env is for the services.
      const identity = await new ProcessSupervisor({
        root: ROOT,
        logDir: join(STATE_DIR, 'logs'),
        detached: true,
        env: { LOG_LEVEL: readString(env, 'LOG_LEVEL', 'info'), AUTH_ISSUER: '' },
      }).startIdentity(identityPort);
      state.processes.push({ service: 'identity', replica: 0, port: identityPort, pid: identity.child.pid as number });
      console.log(`identity provider on ${issuer} (pid ${identity.child.pid}); npm run token -- --role player --customer 11`);
    }
    for (const module of SERVICE_MODULES) {
      for (let replica = 0; replica < replicas; replica += 1) {
        starting = `${module.name}-${replica}`;
        const started = await supervisor.start(module.name, replica, replicaPort(portOf[module.name], replica));
        state.processes.push({ service: module.name, replica, port: started.port, pid: started.child.pid as number });
        console.log(
          `${module.name}#${replica} SERVING on 127.0.0.1:${started.port}, metrics http://127.0.0.1:${started.metricsPort}/metrics (pid ${started.child.pid})`,
        );
      }
    }
    // The REST edge in front, as Envoy is in the cluster.
    starting = 'gateway-0';
    const gateway = await supervisor.startGateway(gatewayPort);
    state.processes.push({ service: 'gateway', replica: 0, port: gatewayPort, pid: gateway.child.pid as number });
    console.log(
      `gateway on http://127.0.0.1:${gatewayPort}, metrics http://127.0.0.1:${gateway.metricsPort}/metrics (pid ${gateway.child.pid})`,
    );
  } catch (error) {
    // The process that failed said why on its stderr, into its log: that line is the reason.
    const log = join(STATE_DIR, 'logs', `${starting}.log`);
    const reason = existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter((line) => line.startsWith('cannot start'))
          .at(-1)
      : undefined;
    state.failed = reason ? `${starting.replace(/-(\d+)$/, '#$1')} ${reason} (log: ${log})` : String(error);
    save();
    await supervisor.stopAll();
    for (const { service, pid } of state.processes) if (service === 'identity') signal(pid, 'SIGTERM');
    throw error;
  }
  state.ready = true;
  save();
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

/** Builds My Page into the usual place for the gateway to serve; esbuild's helper process goes after. */
async function buildWebPage(): Promise<string> {
  const [{ buildWeb }, esbuild] = await Promise.all([import('../../web/build.js'), import('esbuild')]);
  try {
    return await buildWeb();
  } finally {
    await esbuild.stop();
  }
}

const commands: Record<string, () => Promise<void>> = { up, down, ps, supervise };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: local-cluster.ts up|down|ps');
  process.exit(2);
}
await startOrExit(command);
