import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Registry } from '@bufbuild/protobuf';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Logger } from '#platform/logging/logger';
import type { EdgeAccessCheck } from './access/edge-access-check.js';
import { RETRY_BASE_INTERVAL_MS, routeRetryPolicy } from './edge-policy.js';
import { readBody } from './http/body-reader.js';
import { GatewayError, statusBody } from './http/error-response.js';
import { requestMetadata, responseHeaders } from './http/header-mapping.js';
import { httpStatusOf } from './http/status-mapping.js';
import type { RouteMatch } from './routing/route-table.js';
import { buildRequest, parseQuery, RequestMappingError } from './transcoding/request-mapper.js';
import { responseJson } from './transcoding/response-mapper.js';
import type { UpstreamPool, UpstreamReply } from './upstream/upstream-pool.js';

export interface TranscoderOptions {
  readonly registry: Registry;
  readonly upstreams: UpstreamPool;
  /** Overrides every route's own timeout when set. */
  readonly upstreamTimeoutMs?: number;
  readonly maxRequestBytes: number;
  readonly logger: Logger;
  /** Token, role and rate limit, checked before any service is called. */
  readonly access: EdgeAccessCheck;
}

/**
 * One REST call to one unary RPC, the way Envoy's grpc_json_transcoder with convert_grpc_status
 * does it: body, query and path to the request message; the gRPC call with a deadline; the
 * response message to JSON, or the gRPC status to an HTTP status with a google.rpc.Status body
 * and the error trailers as headers.
 */
export class RestTranscoder {
  constructor(private readonly options: TranscoderOptions) {}

  async transcode(match: RouteMatch, rawQuery: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { route } = match;
    // The body limit comes first, as Envoy's buffer filter runs before routing.
    const body = await readBody(request, this.options.maxRequestBytes);
    let message: Uint8Array;
    try {
      message = buildRequest(route.method.input, this.options.registry, {
        bodyMapping: route.body,
        body,
        query: parseQuery(rawQuery),
        pathBindings: match.bindings,
      });
    } catch (error) {
      if (error instanceof RequestMappingError) throw GatewayError.badRequest(error.message);
      throw error;
    }
    // Envoy's order: the transcoder (400 for a bad body) runs before jwt_authn, RBAC and the
    // rate limit, and the router's refusal of an internal RPC (ReserveGift) comes last.
    await this.options.access.admit(route.grpcPath, request.headers);
    if (route.refusal) throw GatewayError.forbidden(route.refusal);

    const metadata = requestMetadata(request.headers, request.method as string, request.url as string);
    const deadline = new Date(Date.now() + (this.options.upstreamTimeoutMs ?? route.timeoutMs));
    const retry = routeRetryPolicy(route.method.name);
    let reply: UpstreamReply;
    for (let attempt = 0; ; attempt += 1) {
      const call = this.options.upstreams.call(route.service.typeName, route.grpcPath, message, metadata, deadline);
      const cancelOnClose = () => {
        if (!response.writableFinished) call.cancel();
      };
      response.once('close', cancelOnClose);
      reply = await call.reply;
      response.off('close', cancelOnClose);
      if (response.destroyed) return;
      if (reply.ok || attempt >= retry.retries || Date.now() >= deadline.getTime()) break;
      const errorCode = reply.trailers.get('error-code')[0]?.toString();
      if (!retry.shouldRetry({ code: reply.code, message: reply.message, errorCode })) break;
      await new Promise((resolve) => setTimeout(resolve, RETRY_BASE_INTERVAL_MS * 2 ** attempt));
    }

    if (reply.ok) {
      const json = responseJson(route.method.output, this.options.registry, reply.bytes, route.responseBody);
      sendJson(response, 200, JSON.stringify(json), responseHeaders(reply.headers));
      return;
    }
    if (reply.code === GrpcStatus.INTERNAL || reply.code === GrpcStatus.UNKNOWN || reply.code === GrpcStatus.UNAVAILABLE) {
      this.options.logger.warn('upstream call failed', { rpc: route.grpcPath, code: GrpcStatus[reply.code], message: reply.message });
    }
    sendJson(response, httpStatusOf(reply.code), statusBody(reply.code, reply.message), responseHeaders(reply.trailers));
  }
}

export function sendJson(response: ServerResponse, httpStatus: number, body: string, headers: OutgoingHttpHeaders = {}): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(httpStatus, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
