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
  ) {
    super(message);
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
