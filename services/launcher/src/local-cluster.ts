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
import { readInt, readString } from '../../platform/src/config/env-reader.js';
import { serviceTarget } from './local-cluster-targets.js';
import { ProcessSupervisor, replicaPort, waitUntilServing } from './process-supervisor.js';
import { SERVICE_MODULES } from './service-catalog.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const STATE_DIR = join(ROOT, '.data', 'local-cluster');
const STATE_FILE = join(STATE_DIR, 'state.json');

interface ClusterState {
  /** The supervisor process (`supervise`); `down` stops it and it stops the rest. */
  supervisorPid?: number;
  /** Set by the supervisor once every process is up, or why starting failed. */
  ready?: boolean;
  failed?: string;
  processes: { service: string; replica: number; port: number; pid: number; restarts?: number }[];
}

const RESTART_POLICY = { initialBackoffMs: 1_000, maxBackoffMs: 30_000, resetAfterMs: 60_000 };

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!exists) await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
}

async function up(): Promise<void> {
  if (existsSync(STATE_FILE)) throw new Error(`already up (${STATE_FILE}); run "make down" first`);
  mkdirSync(join(STATE_DIR, 'logs'), { recursive: true });
  const logPath = join(STATE_DIR, 'logs', 'supervisor.log');
  const log = openSync(logPath, 'a');
  const supervisor = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'supervise'], {
    cwd: ROOT,
    env: process.env,
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
      throw new Error(`make up failed: ${state?.failed ?? 'the supervisor exited'} (see ${logPath})`);
    }
  }
}

async function supervise(): Promise<void> {
  const env = process.env;
  const replicas = readInt(env, 'REPLICAS', 2, { min: 1, max: 5 });
  const databaseUrl = readString(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/game_local');
  await ensureDatabase(databaseUrl);
  const portOf = Object.fromEntries(SERVICE_MODULES.map((module) => [module.name, module.defaultPort]));
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
          console.log(`${event.service}#${event.replica} exited (code ${event.exitCode}, signal ${event.signal}); restarting in ${event.delayMs} ms`);
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
      AMQP_URL: readString(env, 'AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672'),
      LOG_LEVEL: readString(env, 'LOG_LEVEL', 'info'),
      WALLET_GIFT_ADDRESS: serviceTarget(portOf.gift, replicas),
      ...Object.fromEntries(SERVICE_MODULES.map((module) => [`${module.name.toUpperCase()}_ADDRESS`, serviceTarget(module.defaultPort, replicas)])),
    },
  });
  save();
  try {
    for (const module of SERVICE_MODULES) {
      for (let replica = 0; replica < replicas; replica += 1) {
        const started = await supervisor.start(module.name, replica, replicaPort(module.defaultPort, replica));
        state.processes.push({ service: module.name, replica, port: started.port, pid: started.child.pid as number });
        console.log(`${module.name}#${replica} SERVING on 127.0.0.1:${started.port} (pid ${started.child.pid})`);
      }
    }
    // The REST edge in front, as Envoy is in the cluster.
    const gatewayPort = readInt(env, 'GATEWAY_PORT', 8080, { min: 1, max: 65535 });
    const gateway = await supervisor.startGateway(gatewayPort);
    state.processes.push({ service: 'gateway', replica: 0, port: gatewayPort, pid: gateway.child.pid as number });
    console.log(`gateway on http://127.0.0.1:${gatewayPort} (pid ${gateway.child.pid})`);
  } catch (error) {
    state.failed = String(error);
    save();
    await supervisor.stopAll();
    throw error;
  }
  state.ready = true;
  save();
  console.log(`up: ${state.processes.length} processes, supervised (pid ${process.pid}); logs in ${join(STATE_DIR, 'logs')}; "make down" stops them`);
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
  if (state.supervisorPid) console.log(`${'supervisor'.padEnd(16)} pid ${String(state.supervisorPid).padEnd(8)} ${alive(state.supervisorPid) ? 'RUNNING' : 'DEAD'}`);
  for (const entry of state.processes) {
    if (entry.service === 'gateway') {
      console.log(`${'gateway'.padEnd(16)} pid ${String(entry.pid).padEnd(8)} http://127.0.0.1:${entry.port}  ${alive(entry.pid) ? 'RUNNING' : 'DEAD'}`);
      continue;
    }
    const health = await waitUntilServing(`127.0.0.1:${entry.port}`, undefined, 1500).then(
      () => 'SERVING',
      () => (alive(entry.pid) ? 'NOT SERVING' : 'DEAD'),
    );
    console.log(`${`${entry.service}#${entry.replica}`.padEnd(16)} pid ${String(entry.pid).padEnd(8)} 127.0.0.1:${entry.port}  ${health.padEnd(12)} restarts ${entry.restarts ?? 0}`);
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

const commands: Record<string, () => Promise<void>> = { up, down, ps, supervise };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: local-cluster.ts up|down|ps');
  process.exit(2);
}
await command();
