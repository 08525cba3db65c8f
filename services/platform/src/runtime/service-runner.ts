import { AccessPolicies } from '../auth/access-policy.js';
import { authInterceptor } from '../auth/auth-interceptor.js';
import type { PlatformAuth } from '../auth/platform-auth.js';
import type { EventBus } from '../bus/event-bus.js';
import { readInt } from '../config/env-reader.js';
import type { PlatformConfig } from '../config/platform-config.js';
import type { DatabaseHandle } from '../db/database.js';
import { startGrpcServer } from '../grpc/grpc-server.js';
import { EventConsumer } from '../inbox/event-consumer.js';
import type { Logger } from '../logging/logger.js';
import { registerServiceGauges } from '../metrics/service-gauges.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { eventReplayGrpcService, OutboxReplay } from '../outbox/outbox-replay.js';
import { SnapshotReplay } from '../outbox/snapshot-replay.js';
import { StorageRetention } from '../retention/storage-retention.js';
import { DatabaseHealth } from './database-health.js';
import { PeriodicTask } from './periodic-task.js';
import { portFailure } from './port-check.js';
import type { ServiceContext, ServiceModule } from './service-module.js';
import { rootCause, StartupError } from './startup-error.js';

export interface RunServiceOptions<Overrides> {
  database: DatabaseHandle;
  bus: EventBus;
  config: PlatformConfig;
  logger: Logger;
  /** The identity provider: verifies every call's token, issues the service's own. */
  auth: PlatformAuth;
  /** Default: `<SERVICE>_GRPC_PORT`, else the module's default port. 0 picks a free port. */
  port?: number;
  /** Apply the service's migrations first (default true); false when the caller did (migrateService). */
  migrate?: boolean;
  /** Start the outbox relay (default true). Off simulates a crash between commit and publish. */
  relay?: boolean;
  /** Start consuming events (default true). */
  consume?: boolean;
  /** Start the service's periodic background tasks (default true). */
  tasks?: boolean;
  overrides?: Partial<Overrides>;
  env?: NodeJS.ProcessEnv;
}

export interface RunningService {
  readonly name: string;
  readonly port: number;
  readonly relay?: OutboxRelay;
  readonly consumer?: EventConsumer;
  readonly tasks: readonly PeriodicTask[];
  /**
   * Readiness off, in-flight calls drained (for up to graceMs, then cut off), consumer and relay
   * stopped. Infrastructure stays open.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Applies a service's migrations to its schema; a failure says the cause, not drizzle's wrapper. */
export async function migrateService(
  module: Pick<ServiceModule<unknown>, 'name' | 'migrationsFolder' | 'schema'>,
  database: DatabaseHandle,
): Promise<void> {
  await database.migrate({ migrationsFolder: module.migrationsFolder, schema: module.schema }).catch((error: unknown) => {
    // drizzle wraps the driver's error (DrizzleQueryError: Failed query: CREATE SCHEMA ...): say the cause.
    const cause = rootCause(error);
    throw new StartupError(
      `${module.name}: migrating schema "${module.schema}" failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause: error },
    );
  });
}

/**
 * Starts one service: migrations, gRPC server (with health and reflection), outbox relay and
 * event consumer; reports SERVING only when all of it is up. Used by each service's own main,
 * by the all-in-one launcher and by the tests, so they all run the service the same way.
 */
export async function runService<Overrides>(
  module: ServiceModule<Overrides>,
  options: RunServiceOptions<Overrides>,
): Promise<RunningService> {
  const { config, bus, database } = options;
  const logger = options.logger.child({ service: module.name });
  if (options.migrate !== false) await migrateService(module, database);

  let relay: OutboxRelay | undefined;
  const context: ServiceContext = { db: database.db, bus, config, logger, auth: options.auth, wakeRelay: () => relay?.wake() };
  const parts = module.create(context, options.overrides);
  if (parts.outbox) {
    relay = new OutboxRelay({
      db: database.db,
      bus,
      table: parts.outbox,
      serviceName: module.name,
      batchSize: config.outboxBatchSize,
      pollMs: config.outboxPollMs,
      logger: logger.child({ component: 'outbox-relay' }),
    });
  }
  const consumer = parts.consumer
    ? new EventConsumer({
        db: database.db,
        bus,
        inbox: parts.consumer.inbox,
        queue: module.name,
        handlers: parts.consumer.handlers,
        prefetch: config.eventPrefetch,
        batchWindowMs: config.eventBatchWindowMs ?? parts.consumer.batchWindowMs ?? 0,
        maxAttempts: config.eventMaxAttempts,
        logger: logger.child({ component: 'consumer' }),
        afterCommit: () => relay?.wake(),
      })
    : undefined;

  const portVariable = `${module.name.toUpperCase()}_GRPC_PORT`;
  const port = options.port ?? readInt(options.env ?? process.env, portVariable, module.defaultPort, { min: 0, max: 65535 });
  // Every publisher can replay its published events, or state its current state, into one
  // consumer's queue (internal API).
  const replay = parts.outbox
    ? [
        eventReplayGrpcService(
          {
            outbox: new OutboxReplay({
              db: database.db,
              bus,
              table: parts.outbox,
              batchSize: config.outboxBatchSize,
              logger: logger.child({ component: 'outbox-replay' }),
            }),
            snapshot: new SnapshotReplay({
              bus,
              sources: parts.snapshot ?? [],
              batchSize: config.outboxBatchSize,
              logger: logger.child({ component: 'snapshot-replay' }),
            }),
          },
          module.name,
          logger,
        ),
      ]
    : [];
  const server = await startGrpcServer({
    host: config.grpcHost,
    port,
    services: [...parts.grpc, ...replay],
    logger,
    interceptors: [
      authInterceptor({ verifier: options.auth.verifier, policies: AccessPolicies.load(), logger: logger.child({ component: 'auth' }) }),
    ],
  }).catch((error: unknown) => {
    throw portFailure(error, { port, host: config.grpcHost, variable: portVariable }) ?? error;
  });
  if (options.relay !== false) relay?.start();
  if (options.consume !== false) await consumer?.start();
  const retention = new StorageRetention({
    db: database.db,
    outbox: parts.outbox,
    inbox: parts.consumer?.inbox,
    outboxRetentionMs: config.outboxRetentionMs,
    inboxRetentionMs: config.inboxRetentionMs,
    batchSize: config.retentionBatchSize,
    logger: logger.child({ component: 'retention' }),
  });
  const tasks = [
    ...(parts.tasks ?? []),
    new PeriodicTask('storage-retention', config.retentionSweepMs, () => retention.pruneOnce().then(() => {}), logger),
  ];
  if (options.tasks !== false) for (const task of tasks) task.start();
  const stopGauges = registerServiceGauges({
    service: module.name,
    database,
    poolSize: config.databasePoolSize,
    bus,
    outbox: parts.outbox,
    queue: consumer ? module.name : undefined,
  });
  server.setServing(true);
  let stopping = false;
  const databaseHealth = new DatabaseHealth({
    db: database.db,
    checkEveryMs: config.healthCheckMs,
    readinessAfterMs: config.healthReadinessAfterMs,
    livenessAfterMs: config.healthLivenessAfterMs,
    onReadiness: (ready) => stopping || server.setServing(ready),
    onLiveness: (live) => server.setLive(live),
    logger: logger.child({ component: 'health' }),
  });
  databaseHealth.start();
  logger.info('service ready', { port: server.port });

  return {
    name: module.name,
    port: server.port,
    relay,
    consumer,
    tasks,
    async stop(graceMs = 5000) {
      // Readiness goes first so load balancers stop routing here while calls in flight finish.
      stopping = true;
      databaseHealth.stop();
      server.setServing(false);
      await Promise.all(tasks.map((task) => task.stop()));
      await consumer?.stop();
      await server.stop(graceMs);
      await relay?.stop();
      await parts.close?.();
      stopGauges();
      logger.info('service stopped');
    },
  };
}
