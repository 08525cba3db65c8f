import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Metadata } from '@grpc/grpc-js';

/** Headers that describe the HTTP/1 hop or the JSON body, never the call. */
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'content-type',
  'accept-encoding',
  'user-agent',
]);

/**
 * Identity a client may not assert: Envoy's edge drops these (envoy.yaml, the Lua filter) before
 * anything else runs. Only the Authorization header carries identity, and it is verified.
 */
export function isIdentityHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('x-caller-') || lower.startsWith('x-jwt-');
}

/**
 * The request's headers as call metadata, as Envoy forwards them (Authorization included: the
 * service verifies the token again; client-sent identity headers dropped), plus what the transcoder adds:
 * x-envoy-original-path and x-envoy-original-method, and an x-request-id when the client sent
 * none. gRPC's own headers (grpc-*) are the gateway's to set, not the client's.
 */
export function requestMetadata(headers: IncomingHttpHeaders, method: string, originalPath: string): Metadata {
  const metadata = new Metadata();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name) || isIdentityHeader(name) || name.startsWith('grpc-') || name.startsWith(':'))
      continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      try {
        metadata.add(name, name.endsWith('-bin') ? Buffer.from(one, 'base64') : one);
      } catch {
        // A header gRPC cannot carry (illegal characters): the call goes without it.
      }
    }
  }
  if (!headers['x-request-id']) metadata.set('x-request-id', randomUUID());
  metadata.set('x-envoy-original-path', originalPath);
  metadata.set('x-envoy-original-method', method);
  return metadata;
}

/** Metadata keys that belong to the gRPC framing, not to the application. */
const RESERVED_RESPONSE = new Set(['content-type', 'content-length', 'date', 'server', 'te', 'trailer', 'transfer-encoding', 'connection']);

/**
 * Response metadata as HTTP headers, names unchanged. For an error this is the trailers-only
 * response's header block, which Envoy passes on as-is after dropping grpc-status, grpc-message
 * and grpc-status-details-bin: so `error-code`, `error-field` and `retry-after-ms` reach REST
 * clients under those same names.
 */
export function responseHeaders(metadata: Metadata): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(metadata.toJSON())) {
    if (RESERVED_RESPONSE.has(name) || name.startsWith('grpc-') || name.startsWith(':')) continue;
    const texts = values.map((value) => (Buffer.isBuffer(value) ? value.toString('base64') : String(value)));
    headers[name] = texts.length === 1 ? texts[0] : texts;
  }
  return headers;
}
