import { Client, credentials, status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { SERVICE_CLIENT_OPTIONS } from '#platform/grpc/channel-options';

/** Where each public service is reached: full service name -> gRPC target (host:port, ipv4:a,b, dns:///...). */
export type Upstreams = Readonly<Record<string, string>>;

export type UpstreamReply =
  | { readonly ok: true; readonly bytes: Buffer; readonly headers: Metadata }
  | { readonly ok: false; readonly code: GrpcStatus; readonly message: string; readonly trailers: Metadata };

export interface UpstreamCall {
  readonly reply: Promise<UpstreamReply>;
  /** The HTTP client went away: stop the RPC (the service sees CANCELLED, as behind Envoy). */
  cancel(): void;
}

const passThrough = (bytes: Buffer) => bytes;

/**
 * One generic gRPC channel per upstream target, sending already-serialized messages: the gateway
 * never needs the generated clients, only the method path and bytes. Targets that resolve to
 * several addresses are balanced round robin, as the mesh would.
 */
export class UpstreamPool {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly upstreams: Upstreams) {}

  call(service: string, grpcPath: string, request: Uint8Array, metadata: Metadata, deadline: Date): UpstreamCall {
    const client = this.clientFor(service);
    if (!client) {
      return {
        reply: Promise.resolve({
          ok: false,
          code: GrpcStatus.UNAVAILABLE,
          message: `no upstream configured for ${service}`,
          trailers: new Metadata(),
        }),
        cancel: () => {},
      };
    }
    let headers = new Metadata();
    let cancel = () => {};
    const reply = new Promise<UpstreamReply>((resolve) => {
      const call = client.makeUnaryRequest<Buffer, Buffer>(
        grpcPath,
        passThrough,
        passThrough,
        Buffer.from(request),
        metadata,
        { deadline },
        (error, bytes) => {
          if (error) {
            const failure = error as ServiceError;
            resolve({
              ok: false,
              code: failure.code ?? GrpcStatus.UNKNOWN,
              message: failure.details ?? failure.message,
              trailers: failure.metadata ?? new Metadata(),
            });
          } else {
            resolve({ ok: true, bytes: bytes ?? Buffer.alloc(0), headers });
          }
        },
      );
      call.on('metadata', (received: Metadata) => {
        headers = received;
      });
      cancel = () => call.cancel();
    });
    return { reply, cancel: () => cancel() };
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private clientFor(service: string): Client | undefined {
    const target = this.upstreams[service];
    if (!target) return undefined;
    let client = this.clients.get(target);
    if (!client) {
      client = new Client(target, credentials.createInsecure(), SERVICE_CLIENT_OPTIONS);
      this.clients.set(target, client);
    }
    return client;
  }
}
