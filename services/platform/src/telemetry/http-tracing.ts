import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFromTraceparent } from './trace-context.js';
import { tracer, tracingEnabled } from './tracing.js';

/**
 * The edge's SERVER span for one HTTP request (child of a client's `traceparent`, if sent); the
 * request is handled inside it, so the gRPC calls it makes to the services are its children.
 */
export function traceHttpRequest<T>(request: IncomingMessage, response: ServerResponse, handle: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return handle();
  const header = request.headers.traceparent;
  const parent = contextFromTraceparent(typeof header === 'string' ? header : undefined);
  const method = request.method ?? 'GET';
  const span = tracer().startSpan(
    `${method} ${(request.url ?? '/').split('?')[0]}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'url.path': (request.url ?? '/').split('?')[0] },
    },
    parent,
  );
  response.once('close', () => {
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return context.with(trace.setSpan(parent, span), handle);
}
