import { replicaPort } from './process-supervisor.js';

/** Every replica's address of a service as one gRPC target, for round-robin balancing. */
export function serviceTarget(basePort: number, replicas: number): string {
  return `ipv4:${Array.from({ length: replicas }, (_, i) => `127.0.0.1:${replicaPort(basePort, i)}`).join(',')}`;
}
