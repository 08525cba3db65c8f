import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import { SERVICE_CLIENT_OPTIONS } from '../../services/platform/src/grpc/channel-options.js';
import { MissionServiceClient } from '../../services/contracts/generated/game/mission/v1/mission_service.js';
import { serviceTarget } from '../../services/launcher/src/local-cluster-targets.js';
import { ProcessSupervisor, replicaPort, type ServiceProcess, type SupervisorOptions } from '../../services/launcher/src/process-supervisor.js';
import type { TestSystem } from './test-system.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BASE_PORT = 41000;
const SERVICES = ['mission', 'reward', 'wallet', 'gift', 'delivery'];

/**
 * The services of a TestSystem as separate OS processes (the `make up` topology), on ports of
 * their own so they never clash with a running `npm start`: <41000 + 10 * index> and + 100 per
 * replica. Clients get every replica of a service, balanced round robin.
 */
export class ProcessCluster {
  readonly supervisor: ProcessSupervisor;

  constructor(
    private readonly system: TestSystem,
    private readonly replicas: Record<string, number>,
    supervisorOptions: Pick<SupervisorOptions, 'restart'> = {},
  ) {
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
      },
    });
  }

  basePort(service: string): number {
    return BASE_PORT + 10 * SERVICES.indexOf(service);
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
    return new MissionServiceClient(this.target('mission'), credentials.createInsecure(), SERVICE_CLIENT_OPTIONS);
  }

  stopAll(): Promise<void> {
    return this.supervisor.stopAll();
  }
}
