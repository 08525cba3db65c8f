import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * An answer the gateway gives itself, without calling a service. Same body as upstream errors
 * (google.rpc.Status JSON), with the gRPC code that fits the problem and the HTTP status Envoy
 * answers with for it.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly httpStatus: number,
    readonly code: GrpcStatus,
    message: string,
    /** Extra response headers (retry-after on 429, www-authenticate on 401). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  static unauthenticated(message: string): GatewayError {
    return new GatewayError(401, GrpcStatus.UNAUTHENTICATED, message, { 'www-authenticate': 'Bearer realm="game-event-rewards"' });
  }

  /** 429 with retry-after in whole seconds (at least 1), as Envoy's local_ratelimit answers. */
  static rateLimited(message: string, retryAfterMs: number): GatewayError {
    return new GatewayError(429, GrpcStatus.RESOURCE_EXHAUSTED, message, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    });
  }

  static badRequest(message: string): GatewayError {
    return new GatewayError(400, GrpcStatus.INVALID_ARGUMENT, message);
  }

  static notFound(message: string): GatewayError {
    return new GatewayError(404, GrpcStatus.NOT_FOUND, message);
  }

  static forbidden(message: string): GatewayError {
    return new GatewayError(403, GrpcStatus.PERMISSION_DENIED, message);
  }

  static tooLarge(limit: number): GatewayError {
    return new GatewayError(413, GrpcStatus.RESOURCE_EXHAUSTED, `request body exceeds the limit of ${limit} bytes`);
  }
}

/** google.rpc.Status as Envoy prints it with convert_grpc_status and always_print_primitive_fields. */
export function statusBody(code: number, message: string): string {
  return JSON.stringify({ code, message, details: [] });
}
