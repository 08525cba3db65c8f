/**
 * What `make up` will run, read from the environment and checked before anything starts. Kept
 * apart from local-cluster.ts, which imports it only in `up`: checking loads every service's
 * composition root and the descriptor set, which the long-lived supervisor has no use for (it is
 * handed the plan, a few numbers and names, and only starts processes).
 */
import postgres from 'postgres';
import { DEFAULT_IDENTITY_PORT } from '#platform/auth/auth-config';
import { readInt, readOptionalString, readString } from '#platform/config/env-reader';
import { readPlatformConfig } from '#platform/config/platform-config';
import { waitForPostgres } from '#platform/db/postgres-readiness';
import type { Logger, LogLevel } from '#platform/logging/logger';
import { assertPortsFree } from '#platform/runtime/port-check';
import { checkBeforeStart } from '#platform/runtime/preflight';
import { loadDescriptorRegistry } from '../../gateway/src/descriptor/descriptor-registry.js';
import { readGatewayConfig } from '../../gateway/src/gateway-config.js';
import { replicaPort } from './process-supervisor.js';
import { SERVICE_MODULES } from './service-modules.js';

export interface ClusterPlan {
  readonly replicas: number;
  readonly databaseUrl: string;
  readonly amqpUrl: string;
  readonly logLevel: LogLevel;
  readonly gatewayPort: number;
  /** Every service, in the catalog's order, with its base port (replica n: + 100 n). */
  readonly services: readonly { name: string; port: number }[];
  readonly identityPort: number;
  /** AUTH_ISSUER if it names a real issuer, else the development provider `make up` starts. */
  readonly issuer: string;
  /** Whether `make up` starts the development identity provider (no AUTH_ISSUER given). */
  readonly startIdentity: boolean;
}

export function planCluster(env: NodeJS.ProcessEnv): ClusterPlan {
  const replicas = readInt(env, 'REPLICAS', 2, { min: 1, max: 5 });
  const databaseUrl = readString(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/game_local');
  const amqpUrl = readString(env, 'AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672');
  // Read (and so checked) as every process will read them.
  const platform = childEnv(env, { databaseUrl, amqpUrl, logLevel: readString(env, 'LOG_LEVEL', 'info') });
  const logLevel = readPlatformConfig(platform).logLevel;
  const gatewayPort = readGatewayConfig(loadDescriptorRegistry(), platform).port;
  // Base ports follow <SERVICE>_GRPC_PORT like every other entry point, so a second copy can run beside.
  const services = SERVICE_MODULES.map((module) => ({
    name: module.name,
    port: readInt(env, `${module.name.toUpperCase()}_GRPC_PORT`, module.defaultPort, { min: 1, max: 65535 }),
  }));
  // Tokens: a real issuer if AUTH_ISSUER names one, else the development provider started first.
  const identityPort = readInt(env, 'IDENTITY_PORT', DEFAULT_IDENTITY_PORT, { min: 1, max: 65535 });
  const given = readOptionalString(env, 'AUTH_ISSUER');
  const issuer = given ?? `http://localhost:${identityPort}`;
  return { replicas, databaseUrl, amqpUrl, logLevel, gatewayPort, services, identityPort, issuer, startIdentity: !given };
}

function childEnv(env: NodeJS.ProcessEnv, plan: { databaseUrl: string; amqpUrl: string; logLevel: string }): NodeJS.ProcessEnv {
  return { ...env, DATABASE_URL: plan.databaseUrl, AMQP_URL: plan.amqpUrl, LOG_LEVEL: plan.logLevel };
}

/**
 * Everything each process will read, checked here first, with every port of every replica; then
 * the database exists. METRICS_PORT 0: the supervisor gives each process its own (its gRPC port + 1000).
 */
export async function checkPlan(plan: ClusterPlan, env: NodeJS.ProcessEnv, logger: Logger): Promise<void> {
  const config = readPlatformConfig(childEnv(env, plan));
  await checkBeforeStart(SERVICE_MODULES, config, { ...childEnv(env, plan), METRICS_PORT: '0' });
  await assertPortsFree([
    ...plan.services.flatMap(({ name, port }) =>
      Array.from({ length: plan.replicas }, (_, replica) => ({
        port: replicaPort(port, replica),
        host: config.grpcHost,
        variable: `${name.toUpperCase()}_GRPC_PORT`,
      })),
    ),
    { port: plan.gatewayPort, host: '0.0.0.0', variable: 'GATEWAY_PORT' },
  ]);
  await ensureDatabase(plan.databaseUrl, config.databaseConnectRetries, logger);
}

async function ensureDatabase(url: string, retries: number, logger: Logger): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await waitForPostgres({ url: admin.toString(), variable: 'DATABASE_URL', retries, logger });
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!exists) await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
}
