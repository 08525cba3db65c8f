import type { FileRegistry } from '@bufbuild/protobuf';
import { type Metadata, Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { rawUnaryMethod } from '#testing/raw-grpc-method';
import { isPublicService } from '../../../services/gateway/src/edge-policy.js';

export interface RecordedCall {
  readonly path: string;
  readonly metadata: Record<string, string[]>;
}

/**
 * A real gRPC server that serves every method of every public service in the descriptor set and
 * answers each with the empty message (every field at its default), recording the path and the
 * metadata that reached it. It stands in for the services where a test is about what the edge
 * lets through, not about what a service answers.
 */
export class RecordingUpstream {
  private constructor(
    private readonly server: Server,
    readonly address: string,
    readonly services: readonly string[],
    readonly calls: RecordedCall[],
  ) {}

  static async start(registry: FileRegistry): Promise<RecordingUpstream> {
    const server = new Server();
    const services: string[] = [];
    const calls: RecordedCall[] = [];
    for (const file of registry.files) {
      for (const service of file.services) {
        if (!isPublicService(service)) continue;
        services.push(service.typeName);
        const definition: Record<string, ServiceDefinition[string]> = {};
        const implementation: UntypedServiceImplementation = {};
        for (const method of service.methods) {
          const path = `/${service.typeName}/${method.name}`;
          definition[method.name] = rawUnaryMethod(path);
          implementation[method.name] = (call: { metadata: Metadata }, callback: (error: null, value: Buffer) => void) => {
            calls.push({ path, metadata: asRecord(call.metadata) });
            callback(null, Buffer.alloc(0));
          };
        }
        server.addService(definition as ServiceDefinition, implementation);
      }
    }
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    return new RecordingUpstream(server, `127.0.0.1:${port}`, services, calls);
  }

  /** Every public service routed here. */
  upstreams(): Record<string, string> {
    return Object.fromEntries(this.services.map((name) => [name, this.address]));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

function asRecord(metadata: Metadata): Record<string, string[]> {
  return Object.fromEntries(Object.keys(metadata.toJSON()).map((name) => [name, metadata.get(name).map(String)]));
}
