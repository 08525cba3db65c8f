/**
 * `make up` / `make down` / `make ps`: the cluster's topology on this machine without
 * containers. Every service runs as its own processes (REPLICAS each, default 2, on the
 * service's port and port + 100) against the machine's Postgres and RabbitMQ; services that call
 * another service get all its replicas, balanced round robin, as the mesh would; the REST
 * gateway runs in front on GATEWAY_PORT (8080), as Envoy does in the cluster.
 *
 *   npx tsx services/launcher/src/local-cluster.ts up|down|ps
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { DEFAULT_IDENTITY_PORT } from '../../platform/src/auth/auth-config.js';
import { readInt, readOptionalString, readString } from '../../platform/src/config/env-reader.js';
import { serviceTarget } from './local-cluster-targets.js';
import { ProcessSupervisor, replicaPort, waitUntilServing } from './process-supervisor.js';
import { SERVICE_MODULES } from './service-catalog.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const STATE_DIR = join(ROOT, '.data', 'local-cluster');
const STATE_FILE = join(STATE_DIR, 'state.json');

interface ClusterState {
  processes: { service: string; replica: number; port: number; pid: number }[];
}

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
  const env = process.env;
  const replicas = readInt(env, 'REPLICAS', 2, { min: 1, max: 5 });
  const databaseUrl = readString(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/game_local');
  await ensureDatabase(databaseUrl);
  const portOf = Object.fromEntries(SERVICE_MODULES.map((module) => [module.name, module.defaultPort]));
  // Tokens: a real issuer if AUTH_ISSUER names one, else the development provider started first.
  const identityPort = readInt(env, 'IDENTITY_PORT', DEFAULT_IDENTITY_PORT, { min: 1, max: 65535 });
  const issuer = readOptionalString(env, 'AUTH_ISSUER') ?? `http://localhost:${identityPort}`;
  const supervisor = new ProcessSupervisor({
    root: ROOT,
    logDir: join(STATE_DIR, 'logs'),
    detached: true,
    env: {
      DATABASE_URL: databaseUrl,
      AMQP_URL: readString(env, 'AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672'),
      LOG_LEVEL: readString(env, 'LOG_LEVEL', 'info'),
      WALLET_GIFT_ADDRESS: serviceTarget(portOf.gift, replicas),
      AUTH_ISSUER: issuer,
      ...Object.fromEntries(SERVICE_MODULES.map((module) => [`${module.name.toUpperCase()}_ADDRESS`, serviceTarget(module.defaultPort, replicas)])),
    },
  });
  const state: ClusterState = { processes: [] };
  try {
    if (!readOptionalString(env, 'AUTH_ISSUER')) {
      // Its own environment has no AUTH_ISSUER (it is the issuer): the supervisor's env is for the services.
      const identity = await new ProcessSupervisor({ root: ROOT, logDir: join(STATE_DIR, 'logs'), detached: true, env: { LOG_LEVEL: readString(env, 'LOG_LEVEL', 'info'), AUTH_ISSUER: '' } }).startIdentity(identityPort);
      state.processes.push({ service: 'identity', replica: 0, port: identityPort, pid: identity.child.pid as number });
      console.log(`identity provider on ${issuer} (pid ${identity.child.pid}); npm run token -- --role player --customer 11`);
    }
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
    for (const { pid } of state.processes) process.kill(pid, 'SIGTERM');
    throw error;
  }
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  console.log(`up: ${state.processes.length} processes; logs in ${join(STATE_DIR, 'logs')}; "make down" stops them`);
}

async function down(): Promise<void> {
  if (!existsSync(STATE_FILE)) {
    console.log('nothing is up');
    return;
  }
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ClusterState;
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
  for (const entry of state.processes) {
    if (entry.service === 'gateway' || entry.service === 'identity') {
      console.log(`${entry.service.padEnd(16)} pid ${String(entry.pid).padEnd(8)} http://127.0.0.1:${entry.port}  ${alive(entry.pid) ? 'RUNNING' : 'DEAD'}`);
      continue;
    }
    const health = await waitUntilServing(`127.0.0.1:${entry.port}`, undefined, 1500).then(
      () => 'SERVING',
      () => (alive(entry.pid) ? 'NOT SERVING' : 'DEAD'),
    );
    console.log(`${`${entry.service}#${entry.replica}`.padEnd(16)} pid ${String(entry.pid).padEnd(8)} 127.0.0.1:${entry.port}  ${health}`);
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

const commands: Record<string, () => Promise<void>> = { up, down, ps };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: local-cluster.ts up|down|ps');
  process.exit(2);
}
await command();
