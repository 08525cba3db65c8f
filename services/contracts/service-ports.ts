/**
 * Each service's default gRPC port on one machine (`npm start`, `make up`, a service run alone).
 * The one table every default address is derived from; `<SERVICE>_GRPC_PORT` overrides a port,
 * and in a cluster every service listens on 50051 behind its own DNS name. (mypage repeats its own
 * port rather than import this table: the read model must know no other service's address.)
 */
export const DEFAULT_GRPC_PORTS = {
  mission: 50051,
  reward: 50052,
  wallet: 50053,
  gift: 50054,
  delivery: 50055,
  mypage: 50056,
  notification: 50057,
} as const satisfies Record<string, number>;

export type ServiceName = keyof typeof DEFAULT_GRPC_PORTS;

/** `127.0.0.1:<default port>` of a service. */
export function defaultAddress(service: ServiceName): string {
  return `127.0.0.1:${DEFAULT_GRPC_PORTS[service]}`;
}
