import { type AuthConfig, readAuthConfig } from '../auth/auth-config.js';
import type { LogLevel } from '../logging/logger.js';
import { ConfigError, type Env, readBool, readInt, readOptionalString, readString } from './env-reader.js';

/** What every service shares: where the data lives, where events travel, how loud to log. */
export interface PlatformConfig {
  /** Postgres URL. Absent: the embedded PGlite database (one instance, one schema per service). */
  databaseUrl?: string;
  /** Directory for PGlite's files; absent means in memory. Only used without databaseUrl. */
  pgliteDir?: string;
  /** Postgres pool size per service. */
  databasePoolSize: number;
  /** Connection attempts to Postgres at start-up after the first, before giving up. */
  databaseConnectRetries: number;
  /** RabbitMQ URL. Absent: the in-process event transport. */
  amqpUrl?: string;
  /** Connection attempts to RabbitMQ at start-up after the first, before giving up. */
  amqpConnectRetries: number;
  /** The durable topic exchange all domain events are published to. */
  eventsExchange: string;
  /** Prefix of every queue name, so several deployments (or test runs) can share a broker. */
  queuePrefix: string;
  /** Delay before a failed event is delivered again. */
  eventRetryDelayMs: number;
  /** Deliveries of one event before it is parked in the dead-letter queue. */
  eventMaxAttempts: number;
  /** Unacknowledged events a consumer holds at once; also the largest batch per transaction. */
  eventPrefetch: number;
  /**
   * Every consumer's batch window in this process (SubscriptionSpec.batchWindowMs), when set;
   * unset, each service's own (its read models' window, none for the chain's consumers).
   */
  eventBatchWindowMs?: number;
  /** How often the outbox relay looks for rows another replica (or a crash) left behind. */
  outboxPollMs: number;
  /** Rows the relay publishes per broker confirm round-trip. */
  outboxBatchSize: number;
  /** How often health asks the database `select 1` (and how long it waits for the answer). */
  healthCheckMs: number;
  /** Database unanswered this long: health NOT_SERVING (readiness). */
  healthReadinessAfterMs: number;
  /** Database unanswered this long: the 'liveness' health service NOT_SERVING (restart). */
  healthLivenessAfterMs: number;
  /** Published outbox rows kept this long (0: forever; EventReplayService replays them). */
  outboxRetentionMs: number;
  /** Inbox rows kept this long (0: forever); must outlast any redelivery. */
  inboxRetentionMs: number;
  /** How often old rows are pruned, and how many per DELETE. */
  retentionSweepMs: number;
  retentionBatchSize: number;
  /** Host the gRPC servers bind to. */
  grpcHost: string;
  logLevel: LogLevel;
  /** Pretty, human logs instead of JSON lines. */
  logPretty: boolean;
  /** The identity provider and the tokens' audience (AUTH_*). */
  auth: AuthConfig;
}

/**
 * Defaults of the health thresholds. The manifests' probes are set from these
 * (scripts/deploy/render-service-manifests.ts): readiness fails within a probe period or two of
 * 10 s of database loss, liveness restarts the pod after about a minute of it.
 */
export const DATABASE_READINESS_AFTER_MS = 10_000;
export const DATABASE_LIVENESS_AFTER_MS = 60_000;

const DAY_MS = 24 * 60 * 60 * 1000;

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export function readLogLevel(env: Env): LogLevel {
  const logLevel = readString(env, 'LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}": fix or unset LOG_LEVEL`);
  return logLevel;
}

/** A server URL variable's value: absent, or a URL with one of the protocols the driver speaks. */
export function checkServerUrl(name: string, value: string | undefined, protocols: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    throw new ConfigError(`${name} is not a URL: expected ${protocols[0]}//user:password@host:port/...`);
  }
  if (!protocols.includes(protocol))
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got ${protocol}//`);
  return value;
}

const POSTGRES_PROTOCOLS = ['postgres:', 'postgresql:'];
const AMQP_PROTOCOLS = ['amqp:', 'amqps:'];

/** `<SERVICE>_DATABASE_URL`, checked like DATABASE_URL. */
export function readServiceDatabaseUrl(env: Env, serviceName: string): string | undefined {
  return checkServerUrl(
    `${serviceName.toUpperCase()}_DATABASE_URL`,
    readOptionalString(env, `${serviceName.toUpperCase()}_DATABASE_URL`),
    POSTGRES_PROTOCOLS,
  );
}

export function readPlatformConfig(env: Env = process.env): PlatformConfig {
  const logLevel = readLogLevel(env);
  return {
    databaseUrl: checkServerUrl('DATABASE_URL', readOptionalString(env, 'DATABASE_URL'), POSTGRES_PROTOCOLS),
    databaseConnectRetries: readInt(env, 'DATABASE_CONNECT_RETRIES', 10, { min: 0, max: 1000 }),
    pgliteDir: readOptionalString(env, 'PGLITE_DIR'),
    databasePoolSize: readInt(env, 'DATABASE_POOL_SIZE', 10, { min: 1, max: 100 }),
    amqpUrl: checkServerUrl('AMQP_URL', readOptionalString(env, 'AMQP_URL'), AMQP_PROTOCOLS),
    amqpConnectRetries: readInt(env, 'AMQP_CONNECT_RETRIES', 10, { min: 0, max: 1000 }),
    eventsExchange: readString(env, 'EVENTS_EXCHANGE', 'game.events'),
    queuePrefix: readString(env, 'EVENTS_QUEUE_PREFIX', 'game'),
    eventRetryDelayMs: readInt(env, 'EVENTS_RETRY_DELAY_MS', 1000, { min: 10 }),
    eventMaxAttempts: readInt(env, 'EVENTS_MAX_ATTEMPTS', 5, { min: 1, max: 100 }),
    // A consumer applies one batch at a time, so the batch cap is its ceiling: at 100 a stage of
    // the chain did 100 events per transaction round trip and fell behind under load (docs/performance.md).
    eventPrefetch: readInt(env, 'EVENTS_PREFETCH', 1000, { min: 1, max: 5000 }),
    eventBatchWindowMs:
      readOptionalString(env, 'EVENTS_BATCH_WINDOW_MS') === undefined
        ? undefined
        : readInt(env, 'EVENTS_BATCH_WINDOW_MS', 0, { min: 0, max: 10_000 }),
    outboxPollMs: readInt(env, 'OUTBOX_POLL_MS', 500, { min: 10 }),
    outboxBatchSize: readInt(env, 'OUTBOX_BATCH_SIZE', 500, { min: 1, max: 10000 }),
    healthCheckMs: readInt(env, 'HEALTH_CHECK_MS', 1000, { min: 50 }),
    healthReadinessAfterMs: readInt(env, 'HEALTH_DATABASE_READINESS_MS', DATABASE_READINESS_AFTER_MS, { min: 0 }),
    healthLivenessAfterMs: readInt(env, 'HEALTH_DATABASE_LIVENESS_MS', DATABASE_LIVENESS_AFTER_MS, { min: 0 }),
    outboxRetentionMs: readInt(env, 'OUTBOX_RETENTION_MS', 7 * DAY_MS, { min: 0 }),
    inboxRetentionMs: readInt(env, 'INBOX_RETENTION_MS', 14 * DAY_MS, { min: 0 }),
    retentionSweepMs: readInt(env, 'RETENTION_SWEEP_MS', 10 * 60_000, { min: 100 }),
    retentionBatchSize: readInt(env, 'RETENTION_BATCH_SIZE', 5000, { min: 1, max: 100_000 }),
    grpcHost: readString(env, 'GRPC_HOST', '0.0.0.0'),
    logLevel,
    logPretty: readBool(env, 'LOG_PRETTY', false),
    auth: readAuthConfig(env),
  };
}
