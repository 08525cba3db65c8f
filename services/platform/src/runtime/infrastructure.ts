import { AmqpEventBus } from '../bus/amqp-event-bus.js';
import type { EventBus } from '../bus/event-bus.js';
import { InProcessEventBus } from '../bus/in-process-event-bus.js';
import { type PlatformConfig, readServiceDatabaseUrl } from '../config/platform-config.js';
import type { DatabaseHandle } from '../db/database.js';
import { SharedPglite } from '../db/pglite-database.js';
import { openPostgresDatabase } from '../db/postgres-database.js';
import { waitForPostgres } from '../db/postgres-readiness.js';
import type { Logger } from '../logging/logger.js';

/**
 * The servers a process talks to, chosen by configuration: Postgres and RabbitMQ when their
 * URLs are set, otherwise the embedded defaults (one shared PGlite, the in-process transport).
 */
export class Infrastructure {
  private readonly handles: DatabaseHandle[] = [];
  private readonly checked = new Map<string, Promise<void>>();
  private readonly pglite: SharedPglite;

  private constructor(
    readonly config: PlatformConfig,
    readonly bus: EventBus,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logger: Logger,
  ) {
    this.pglite = new SharedPglite(config.pgliteDir);
  }

  static async open(
    config: PlatformConfig,
    logger: Logger,
    connectionName: string,
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<Infrastructure> {
    const bus: EventBus = config.amqpUrl
      ? await AmqpEventBus.connect({
          url: config.amqpUrl,
          exchange: config.eventsExchange,
          queuePrefix: config.queuePrefix,
          retryDelayMs: config.eventRetryDelayMs,
          connectionName,
          connectRetries: config.amqpConnectRetries,
          logger: logger.child({ component: 'amqp' }),
        })
      : new InProcessEventBus({ retryDelayMs: config.eventRetryDelayMs, logger: logger.child({ component: 'in-process-bus' }) });
    return new Infrastructure(config, bus, env, logger);
  }

  get mode(): { database: 'postgres' | 'pglite'; events: 'rabbitmq' | 'in-process' } {
    return { database: this.config.databaseUrl ? 'postgres' : 'pglite', events: this.config.amqpUrl ? 'rabbitmq' : 'in-process' };
  }

  /** A service's database: `<SERVICE>_DATABASE_URL`, else DATABASE_URL, else the shared PGlite. */
  async database(serviceName: string): Promise<DatabaseHandle> {
    const url = await this.databaseReachable(serviceName);
    const handle = url
      ? openPostgresDatabase(url, { poolSize: this.config.databasePoolSize, applicationName: serviceName })
      : await this.pglite.open();
    this.handles.push(handle);
    return handle;
  }

  /**
   * Waits until a service's Postgres answers (nothing to wait for on PGlite) and returns its URL:
   * a start-up can check its databases before it starts anything else.
   */
  async databaseReachable(serviceName: string): Promise<string | undefined> {
    const own = readServiceDatabaseUrl(this.env, serviceName);
    const url = own ?? this.config.databaseUrl;
    if (url) await this.reachable(url, own ? `${serviceName.toUpperCase()}_DATABASE_URL` : 'DATABASE_URL');
    return url;
  }

  /** Each distinct URL is checked once (services of one process share DATABASE_URL). */
  private reachable(url: string, variable: string): Promise<void> {
    let ready = this.checked.get(url);
    if (!ready) {
      ready = waitForPostgres({
        url,
        variable,
        retries: this.config.databaseConnectRetries,
        logger: this.logger.child({ component: 'postgres' }),
      });
      this.checked.set(url, ready);
    }
    return ready;
  }

  async close(): Promise<void> {
    await this.bus.close();
    await Promise.all(this.handles.map((handle) => handle.close()));
  }
}
