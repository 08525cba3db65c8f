import {
  Server,
  ServerCredentials,
  type ServerInterceptor,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from '../logging/logger.js';
import { LIVENESS_HEALTH_SERVICE } from '../runtime/database-health.js';
import { CHANNELZ_OFF } from './channel-options.js';
import { loadFileDescriptors } from './descriptor-set.js';
import { metricsServerInterceptor } from './metrics-interceptor.js';
import { tracingServerInterceptor } from './tracing-interceptors.js';

export interface GrpcServiceBinding {
  /** Full protobuf name, e.g. game.mission.v1.MissionService (health and reflection use it). */
  readonly name: string;
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

export interface RunningGrpcServer {
  readonly port: number;
  /** Readiness: SERVING for the server and each service, or NOT_SERVING (drain before stop). */
  setServing(serving: boolean): void;
  /** Liveness (the 'liveness' health service): NOT_SERVING asks the kubelet for a restart. */
  setLive(live: boolean): void;
  /** Stops taking calls, lets calls in flight finish (up to graceMs), then forces. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Every service's gRPC server: its services plus grpc.health.v1 and server reflection
 * (v1 and v1alpha), so grpcurl and `buf curl` work against any port without proto files.
 * Health starts NOT_SERVING; the runner flips it once the service is ready.
 */
export async function startGrpcServer(options: {
  host: string;
  port: number;
  services: readonly GrpcServiceBinding[];
  logger: Logger;
  /** Run on every call before its handler, in order (the access check; metrics). */
  interceptors?: readonly ServerInterceptor[];
}): Promise<RunningGrpcServer> {
  const server = new Server({
    'grpc.max_receive_message_length': 4 * 1024 * 1024,
    ...CHANNELZ_OFF,
    // Telemetry first, so every call is traced and counted, refused ones included; then the access check.
    interceptors: [tracingServerInterceptor, metricsServerInterceptor, ...(options.interceptors ?? [])],
  });
  for (const service of options.services) server.addService(service.definition, service.implementation);

  const names = options.services.map((service) => service.name);
  // Live from the start (the startup probe covers start-up); ready once the runner says so.
  const health = new HealthImplementation({
    ...Object.fromEntries(['', ...names].map((name) => [name, 'NOT_SERVING'])),
    [LIVENESS_HEALTH_SERVICE]: 'SERVING',
  });
  health.addToServer(server);

  const files = loadFileDescriptors();
  // @grpc/reflection indexes package definitions by their serialized files only.
  const reflection = new ReflectionService({ descriptors: { fileDescriptorProtos: files } } as never, {
    services: [...names, 'grpc.health.v1.Health'],
  });
  reflection.addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  return {
    port,
    setServing(serving) {
      for (const name of ['', ...names]) health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
    },
    setLive(live) {
      health.setStatus(LIVENESS_HEALTH_SERVICE, live ? 'SERVING' : 'NOT_SERVING');
    },
    async stop(graceMs = 5000) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
