import { SERVICE_CATALOG, SERVICE_NAMES, type ServiceName } from './service-catalog.js';

export type { ServiceName };

/**
 * Each service's default gRPC port on one machine (`npm start`, `make up`, a service run alone),
 * from the service catalog. Every default address is derived from it; `<SERVICE>_GRPC_PORT`
 * overrides a port, and in a cluster every service listens on 50051 behind its own DNS name.
 * (mypage repeats its own port rather than import this table: the read model must know no other
 * service's address; test/deploy/service-catalog.test.ts checks the two agree.)
 */
export const DEFAULT_GRPC_PORTS = Object.fromEntries(SERVICE_NAMES.map((name) => [name, SERVICE_CATALOG[name].port])) as {
  readonly [Name in ServiceName]: (typeof SERVICE_CATALOG)[Name]['port'];
};

/**
 * The port a service on this machine listens on: `<SERVICE>_GRPC_PORT` when set (a second copy
 * moves them all), else its default. Every default address is derived from it, so moving a port
 * moves every caller with it.
 */
export function grpcPortOf(service: ServiceName, env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[`${service.toUpperCase()}_GRPC_PORT`];
  const port = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : DEFAULT_GRPC_PORTS[service];
}

/** `127.0.0.1:<its port>` of a service: `<SERVICE>_GRPC_PORT` if set, else the default. */
export function defaultAddress(service: ServiceName, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return `127.0.0.1:${grpcPortOf(service, env)}`;
}
