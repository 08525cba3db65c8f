import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissionServiceClient } from '#contracts/generated/game/mission/v1/mission_service';
import { SERVICE_CLIENT_OPTIONS } from '#platform/grpc/channel-options';
import { serviceTarget } from '../../services/launcher/src/local-cluster-targets.js';
import {
  ProcessSupervisor,
  replicaPort,
  type ServiceProcess,
  type SupervisorOptions,
} from '../../services/launcher/src/process-supervisor.js';
import { EXCHANGE_CHAIN } from './start-platform.js';
import type { TestSystem } from './test-system.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Below Linux's ephemeral range (32768-60999): a port there can be taken at any moment by the
// local end of some outgoing connection, and the replica then fails to listen.
const BASE_PORT = 21000;
// Several checkouts testing on one machine at once (a developer's two worktrees) each set their
// own TEST_PORT_OFFSET, so their process-level suites never take each other's ports.
const PORT_OFFSET = Number(process.env.TEST_PORT_OFFSET ?? 0);
const SERVICES: readonly string[] = EXCHANGE_CHAIN;

/**
 * The services of a TestSystem as separate OS processes (the `make up` topology), on ports of
 * their own so they never clash with a running `npm start`: <21000 + 10 * index> and + 100 per
 * replica. Clients get every replica of a service, balanced round robin.
 */
export class ProcessCluster {
  readonly supervisor: ProcessSupervisor;

  private readonly basePortOf: number;

  /**
   * basePort: where the first service's first replica listens (default 21000); suites running at
   * once need different ones. restart: the supervisor's restart policy (as `make up` runs it).
   * env: more settings for every process (e.g. a smaller DATABASE_POOL_SIZE for many replicas).
   */
  constructor(
    private readonly system: TestSystem,
    private readonly replicas: Record<string, number>,
    options: { basePort?: number; env?: Record<string, string> } & Pick<SupervisorOptions, 'restart'> = {},
  ) {
    const { basePort, env = {}, ...supervisorOptions } = options;
    this.basePortOf = (basePort ?? BASE_PORT) + PORT_OFFSET;
    const config = system.config;
    this.supervisor = new ProcessSupervisor({
      ...supervisorOptions,
      root: ROOT,
      logDir: join(ROOT, 'test-artifacts', 'process-logs', system.id),
      env: {
        DATABASE_URL: config.databaseUrl,
        AMQP_URL: config.amqpUrl,
        EVENTS_EXCHANGE: config.eventsExchange,
        EVENTS_QUEUE_PREFIX: config.queuePrefix,
        EVENTS_RETRY_DELAY_MS: String(config.eventRetryDelayMs),
        OUTBOX_POLL_MS: String(config.outboxPollMs),
        GRPC_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        WALLET_GIFT_ADDRESS: this.target('gift'),
        // The processes verify the tokens of this system's embedded provider.
        AUTH_ISSUER: system.identity.auth.issuer,
        AUTH_AUDIENCE: system.identity.auth.audience,
        ...env,
      },
    });
  }

  basePort(service: string): number {
    return this.basePortOf + 10 * SERVICES.indexOf(service);
  }

  target(service: string): string {
    return serviceTarget(this.basePort(service), this.replicas[service] ?? 1);
  }

  async startAll(): Promise<void> {
    for (const service of Object.keys(this.replicas)) {
      this.system.trackQueue(service);
      for (let replica = 0; replica < this.replicas[service]; replica += 1) await this.startReplica(service, replica);
    }
  }

  startReplica(service: string, replica: number): Promise<ServiceProcess> {
    return this.supervisor.start(service, replica, replicaPort(this.basePort(service), replica));
  }

  replica(service: string, replica: number): ServiceProcess {
    const found = this.supervisor.running.find((p) => p.service === service && p.replica === replica);
    if (!found) throw new Error(`${service}#${replica} is not running`);
    return found;
  }

  missionClient(): MissionServiceClient {
    return this.system.client(MissionServiceClient, this.target('mission'), 'request-owner', SERVICE_CLIENT_OPTIONS);
  }

  stopAll(): Promise<void> {
    return this.supervisor.stopAll();
  }
}
