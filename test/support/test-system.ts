import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import { Client } from '@grpc/grpc-js';
import amqp from 'amqplib';
import { sql as drizzleSql } from 'drizzle-orm';
import postgres from 'postgres';
import { DeliveryServiceClient } from '#contracts/generated/game/delivery/v1/delivery_service';
import { GiftServiceClient } from '#contracts/generated/game/gift/v1/gift_service';
import { MissionServiceClient } from '#contracts/generated/game/mission/v1/mission_service';
import { MyPageServiceClient } from '#contracts/generated/game/mypage/v1/mypage_service';
import { NotificationServiceClient } from '#contracts/generated/game/notification/v1/notification_service';
import { EventReplayServiceClient } from '#contracts/generated/game/platform/v1/event_replay_service';
import { ReadModelAdminServiceClient } from '#contracts/generated/game/platform/v1/read_model_admin_service';
import { RewardServiceClient } from '#contracts/generated/game/reward/v1/reward_service';
import { WalletServiceClient } from '#contracts/generated/game/wallet/v1/wallet_service';
import type { InProcessEventBus } from '#platform/bus/in-process-event-bus';
import { type PlatformConfig, readPlatformConfig } from '#platform/config/platform-config';
import { type DatabaseHandle, rowsOf } from '#platform/db/database';
import { openPostgresDatabase } from '#platform/db/postgres-database';
import type { NewEvent } from '#platform/events/event-type';
import { createLogger } from '#platform/logging/logger';
import { Infrastructure } from '#platform/runtime/infrastructure';
import type { ServiceModule } from '#platform/runtime/service-module';
import { type RunningService, runService } from '#platform/runtime/service-runner';
import type { RateLimitClass, TokenBucketSettings } from '../../services/gateway/src/access/edge-rate-limits.js';
import { gatewayIdentity } from '../../services/gateway/src/access/gateway-identity.js';
import { createGateway } from '../../services/gateway/src/create-gateway.js';
import { loadDescriptorRegistry } from '../../services/gateway/src/descriptor/descriptor-registry.js';
import { upstreamsFor } from '../../services/gateway/src/gateway-config.js';
import { RouteTable } from '../../services/gateway/src/routing/route-table.js';
import { DEV_SERVICE_CLIENTS } from '../../services/identity/src/dev-clients.js';
import { type PlatformIdentity, platformIdentity } from '../../services/identity/src/platform-identity.js';
import { insecure } from './grpc-call.js';
import { type TestIdentity, TestTokens } from './test-identities.js';

/**
 * 'servers': the machine's real Postgres and RabbitMQ (a fresh database and exchange per system).
 * 'embedded': PGlite and the in-process transport, as `npm start` runs on a bare machine.
 */
export type Mode = 'servers' | 'embedded';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface ServiceInstance {
  readonly service: RunningService;
  readonly port: number;
  readonly address: string;
  /** Graceful stop; graceMs 0 cuts calls in flight off at once, as a crash would. */
  stop(graceMs?: number): Promise<void>;
}

interface StartOptions<Overrides> {
  /** Default: a free port. */
  port?: number;
  relay?: boolean;
  consume?: boolean;
  tasks?: boolean;
  overrides?: Partial<Overrides>;
}

/**
 * A whole platform for one test suite, isolated from every other: its own database and its own
 * exchange and queue names. Each service instance started in 'servers' mode gets its own broker
 * connection and database pool, like a separate process (so two instances are two replicas).
 */
export class TestSystem {
  private readonly instances = new Set<ServiceInstance>();
  private readonly byName = new Map<string, ServiceInstance[]>();
  private readonly queues = new Set<string>();
  private shared?: Infrastructure;
  private adminSql?: postgres.Sql;
  private assertionDb?: Promise<DatabaseHandle>;
  private serversDb?: DatabaseHandle;

  private constructor(
    readonly mode: Mode,
    readonly id: string,
    readonly config: PlatformConfig,
    /** The system's own embedded identity provider (every service verifies its tokens). */
    readonly identity: PlatformIdentity,
    /** Real tokens from it, bad tokens, and the clients' credentials. */
    readonly tokens: TestTokens,
    private readonly databaseName?: string,
    /** The database itself, bypassing any proxy the services go through. */
    private readonly directDatabaseUrl?: string,
  ) {}

  private static async withIdentity(
    mode: Mode,
    id: string,
    config: PlatformConfig,
    databaseName?: string,
    directDatabaseUrl?: string,
  ): Promise<TestSystem> {
    const identity = await platformIdentity(config.auth, createLogger({ level: config.logLevel }), {
      port: 0,
      host: '127.0.0.1',
      issuerHost: '127.0.0.1',
    });
    if (!identity.provider) throw new Error('the test harness runs the embedded identity provider: unset AUTH_ISSUER');
    return new TestSystem(mode, id, config, identity, await TestTokens.for(identity.provider), databaseName, directDatabaseUrl);
  }

  /**
   * options.databaseVia: the services reach the database through this address (host:port, a
   * TcpProxy a test can cut) instead of directly; query() and teardown still go direct.
   * options.amqpUrl: a broker of the test's own (default TEST_AMQP_URL, the shared one).
   */
  static async create(
    mode: Mode = 'servers',
    env: Record<string, string> = {},
    options: { databaseVia?: string; amqpUrl?: string } = {},
  ): Promise<TestSystem> {
    const id = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const common = {
      EVENTS_EXCHANGE: `test.${id}.events`,
      EVENTS_QUEUE_PREFIX: `test.${id}`,
      EVENTS_RETRY_DELAY_MS: '100',
      EVENTS_MAX_ATTEMPTS: '3',
      OUTBOX_POLL_MS: '100',
      GRPC_HOST: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...env,
    };
    if (mode === 'embedded') return TestSystem.withIdentity(mode, id, readPlatformConfig(common));
    const databaseName = `game_${id}`;
    const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${databaseName}"`);
    await admin.end();
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${databaseName}`;
    const direct = url.toString();
    if (options.databaseVia) url.host = options.databaseVia;
    return TestSystem.withIdentity(
      mode,
      id,
      readPlatformConfig({ ...common, DATABASE_URL: url.toString(), AMQP_URL: options.amqpUrl ?? TEST_AMQP_URL }),
      databaseName,
      direct,
    );
  }

  /** Starts an instance (a replica, if one is running already) of a service. */
  async start<Overrides>(module: ServiceModule<Overrides>, options: StartOptions<Overrides> = {}): Promise<ServiceInstance> {
    const logger = createLogger({ level: this.config.logLevel });
    const infrastructure =
      this.mode === 'embedded'
        ? await this.sharedInfrastructure()
        : await Infrastructure.open(this.config, logger, `${this.id}-${module.name}`);
    const service = await runService(module, {
      database: await infrastructure.database(module.name),
      bus: infrastructure.bus,
      config: this.config,
      logger,
      auth: this.identity.auth,
      port: options.port ?? 0,
      relay: options.relay,
      consume: options.consume,
      tasks: options.tasks,
      overrides: options.overrides,
      env: {},
    });
    this.queues.add(module.name);
    const instance: ServiceInstance = {
      service,
      port: service.port,
      address: `127.0.0.1:${service.port}`,
      stop: async (graceMs?: number) => {
        if (!this.instances.delete(instance)) return;
        this.byName.set(
          module.name,
          (this.byName.get(module.name) ?? []).filter((other) => other !== instance),
        );
        await service.stop(graceMs);
        if (infrastructure !== this.shared) await infrastructure.close();
      },
    };
    this.instances.add(instance);
    this.byName.set(module.name, [...(this.byName.get(module.name) ?? []), instance]);
    return instance;
  }

  /** Removes this service's queues at close (for services run outside the harness, as processes). */
  trackQueue(serviceName: string): void {
    this.queues.add(serviceName);
  }

  /**
   * Starts the REST gateway (the Envoy stand-in) in this process, on a free port, in front of
   * the system's running services: each public service goes to its first running instance (one
   * not started answers 503). Stopped by close(), before the services behind it.
   */
  async startGateway(
    options: { staticDir?: string; rateLimits?: Partial<Record<RateLimitClass, TokenBucketSettings>> } = {},
  ): Promise<{ url: string; port: number; stop(): Promise<void> }> {
    const registry = loadDescriptorRegistry();
    const missionAddress = this.byName.get('mission')?.[0]?.address;
    // As npm start runs it: the system's provider's tokens, the page's sign-in settings, and the
    // demo-mission development tool (as the game server) when mission runs.
    const identity = gatewayIdentity({
      auth: this.identity.auth,
      rateLimits: options.rateLimits,
      demoMissions: missionAddress ? { gameServer: DEV_SERVICE_CLIENTS.gameServer, missionAddress } : undefined,
    });
    const gateway = await createGateway({
      ...identity,
      upstreams: upstreamsFor(registry, (context) => this.byName.get(context)?.[0]?.address),
      registry,
      host: '127.0.0.1',
      port: 0,
      staticDir: options.staticDir,
      logger: createLogger({ level: this.config.logLevel }),
    });
    // Held as an instance so close() stops it, last started and so first stopped.
    const instance: ServiceInstance = {
      service: { name: 'gateway', port: gateway.port, tasks: [], stop: (graceMs) => gateway.stop(graceMs) },
      port: gateway.port,
      address: `127.0.0.1:${gateway.port}`,
      stop: async (graceMs?: number) => {
        if (!this.instances.delete(instance)) return;
        this.byName.set(
          'gateway',
          (this.byName.get('gateway') ?? []).filter((other) => other !== instance),
        );
        await gateway.stop(graceMs);
        identity.close();
      },
    };
    this.instances.add(instance);
    this.byName.set('gateway', [...(this.byName.get('gateway') ?? []), instance]);
    return { url: gateway.url, port: gateway.port, stop: () => instance.stop() };
  }

  /** Running instances of a service, oldest first. */
  instancesOf(serviceName: string): ServiceInstance[] {
    return [...(this.byName.get(serviceName) ?? [])];
  }

  /** Address of the first running instance of a service. */
  address(serviceName: string): string {
    const instance = this.byName.get(serviceName)?.[0];
    if (!instance) throw new Error(`no running ${serviceName} instance`);
    return instance.address;
  }

  /**
   * A client of a service (by name, or an address) whose calls carry a token of the identity
   * (default: the player the request names, else a role the RPC allows; see TestIdentity).
   */
  client<C extends Client>(
    Ctor: new (address: string, credentials: ChannelCredentials, options?: ChannelOptions) => C,
    address: string,
    identity: TestIdentity = 'request-owner',
    options: ChannelOptions = {},
  ): C {
    return new Ctor(address, insecure(), { ...options, interceptors: [this.tokens.interceptor(identity)] });
  }

  /**
   * For REST calls: the `authorization` header a call gets under the identity, the RPC found by
   * the gateway's own route table and the customer named in the path or the body.
   */
  restAuthorizer(
    identity: TestIdentity = 'request-owner',
  ): (method: string, path: string, body: unknown) => Promise<Record<string, string>> {
    const routes = new RouteTable(loadDescriptorRegistry());
    return async (method, path, body): Promise<Record<string, string>> => {
      const match = routes.lookup(method, path.split('?')[0]);
      if (!match) return {};
      const inPath = /\/(?:customers|wallets)\/([^/:?]+)/.exec(path)?.[1];
      const inBody = typeof body === 'object' && body !== null ? (body as { customerId?: unknown }).customerId : undefined;
      const customerId = inPath !== undefined ? decodeURIComponent(inPath) : inBody;
      const token = await this.tokens.tokenForCall(identity, match.route.grpcPath, { customerId });
      return token ? { authorization: `Bearer ${token}` } : {};
    };
  }

  missionClient(address = this.address('mission'), identity?: TestIdentity) {
    return this.client(MissionServiceClient, address, identity);
  }

  rewardClient(address = this.address('reward'), identity?: TestIdentity) {
    return this.client(RewardServiceClient, address, identity);
  }

  walletClient(address = this.address('wallet'), identity?: TestIdentity) {
    return this.client(WalletServiceClient, address, identity);
  }

  giftClient(address = this.address('gift'), identity?: TestIdentity) {
    return this.client(GiftServiceClient, address, identity);
  }

  deliveryClient(address = this.address('delivery'), identity?: TestIdentity) {
    return this.client(DeliveryServiceClient, address, identity);
  }

  myPageClient(address = this.address('mypage'), identity?: TestIdentity) {
    return this.client(MyPageServiceClient, address, identity);
  }

  notificationClient(address = this.address('notification'), identity?: TestIdentity) {
    return this.client(NotificationServiceClient, address, identity);
  }

  eventReplayClient(address: string, identity?: TestIdentity) {
    return this.client(EventReplayServiceClient, address, identity);
  }

  readModelAdminClient(address = this.address('mypage'), identity?: TestIdentity) {
    return this.client(ReadModelAdminServiceClient, address, identity);
  }

  /** A client for any RPC of a service, by path (descriptor-driven tests: fuzzing every method). */
  genericClient(serviceName: string, address = this.address(serviceName)): Client {
    return new Client(address, insecure());
  }

  /**
   * A handle on the system's database for a test to run a service's own adapters on: the shared
   * PGlite (embedded; a service's schemas are all in it), or the assertions' handle on Postgres.
   * Closed with the system.
   */
  async database(): Promise<DatabaseHandle> {
    if (this.mode === 'embedded') {
      this.assertionDb ??= this.sharedInfrastructure().then((infrastructure) => infrastructure.database('assertions'));
      return this.assertionDb;
    }
    this.serversDb ??= openPostgresDatabase(this.directDatabaseUrl ?? (this.config.databaseUrl as string), {
      poolSize: 2,
      applicationName: `${this.id}-test`,
    });
    return this.serversDb;
  }

  /** Raw SQL against the system's database, for assertions on what services stored. */
  async query<T = Record<string, unknown>>(text: string): Promise<T[]> {
    if (this.mode === 'embedded') {
      this.assertionDb ??= this.sharedInfrastructure().then((infrastructure) => infrastructure.database('assertions'));
      return rowsOf<T>(await (await this.assertionDb).db.execute(drizzleSql.raw(text)));
    }
    this.adminSql ??= postgres(this.directDatabaseUrl ?? (this.config.databaseUrl as string), { max: 2, onnotice: () => {} });
    return (await this.adminSql.unsafe(text)) as unknown as T[];
  }

  async count(table: string, where = 'true'): Promise<number> {
    const [row] = await this.query<{ n: string | number }>(`select count(*) as n from ${table} where ${where}`);
    return Number(row.n);
  }

  /** Publishes events straight onto the system's exchange, as a (possibly misbehaving) producer would. */
  async publish(events: NewEvent[]): Promise<void> {
    if (this.mode === 'embedded') return (await this.sharedInfrastructure()).bus.publish(events);
    await this.withChannel(async (channel) => {
      for (const event of events) {
        channel.publish(this.config.eventsExchange, event.routingKey, Buffer.from(event.payload), {
          messageId: event.id,
          type: event.type,
          persistent: true,
          headers: {
            'x-routing-key': event.routingKey,
            'x-aggregate-id': event.aggregateId,
            'x-occurred-at': event.occurredAt.toISOString(),
          },
        });
      }
      await channel.waitForConfirms();
    });
  }

  /** Publishes raw bytes with raw AMQP properties (poison-message tests). */
  async publishRaw(routingKey: string, content: Buffer, properties: amqp.Options.Publish): Promise<void> {
    await this.withChannel(async (channel) => {
      channel.publish(this.config.eventsExchange, routingKey, content, properties);
      await channel.waitForConfirms();
    });
  }

  /** Events parked in a service's dead-letter queue. */
  async deadLetterCount(serviceName: string): Promise<number> {
    if (this.mode === 'embedded') {
      const bus = (await this.sharedInfrastructure()).bus as InProcessEventBus;
      return bus.deadLetters(serviceName).length;
    }
    return this.withChannel(async (channel) => (await channel.checkQueue(`${this.config.queuePrefix}.${serviceName}.dlq`)).messageCount);
  }

  /** Events waiting in these services' work queues, not yet delivered to any consumer (one broker connection for all). */
  async queuedCount(serviceNames: readonly string[]): Promise<number> {
    if (this.mode === 'embedded') {
      const bus = (await this.sharedInfrastructure()).bus as InProcessEventBus;
      let queued = 0;
      for (const name of serviceNames) queued += (await bus.queueStats(name))?.messages ?? 0;
      return queued;
    }
    return this.withChannel(async (channel) => {
      let queued = 0;
      for (const name of serviceNames) queued += (await channel.checkQueue(`${this.config.queuePrefix}.${name}`)).messageCount;
      return queued;
    });
  }

  /** Closes, from the broker's side, every connection this system's instances hold. */
  async dropBrokerConnections(): Promise<number> {
    const run = promisify(execFile);
    const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties']);
    const pids = stdout
      .split('\n')
      .filter((line) => line.includes(this.id))
      .map((line) => line.split('\t')[0]);
    for (const pid of pids) await run('rabbitmqctl', ['-q', 'close_connection', pid, 'test: broker-side close']);
    return pids.length;
  }

  async close(): Promise<void> {
    for (const instance of [...this.instances].reverse()) await instance.stop();
    await this.shared?.close();
    await this.identity.stop();
    await this.adminSql?.end();
    await this.serversDb?.close();
    if (this.mode === 'servers') await this.dropServerResources();
  }

  private async sharedInfrastructure(): Promise<Infrastructure> {
    this.shared ??= await Infrastructure.open(this.config, createLogger({ level: this.config.logLevel }), this.id, {});
    return this.shared;
  }

  private async withChannel<T>(work: (channel: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
    const connection = await amqp.connect(this.config.amqpUrl ?? TEST_AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      return await work(channel);
    } finally {
      await connection.close().catch(() => {});
    }
  }

  private async dropServerResources(): Promise<void> {
    await this.withChannel(async (channel) => {
      for (const queue of this.queues) {
        for (const suffix of ['', '.retry', '.dlq']) await channel.deleteQueue(`${this.config.queuePrefix}.${queue}${suffix}`);
      }
      await channel.deleteExchange(this.config.eventsExchange);
      await channel.deleteExchange(`${this.config.eventsExchange}.dlx`);
    }).catch(() => {});
    const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${this.databaseName}" with (force)`).catch(() => {});
    await admin.end();
  }
}
