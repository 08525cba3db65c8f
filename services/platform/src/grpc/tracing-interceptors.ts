import {
  status as GrpcStatus,
  InterceptingCall,
  type Interceptor,
  type Metadata,
  ServerInterceptingCall,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFromTraceparent, traceparentOf } from '../telemetry/trace-context.js';
import { tracer, tracingEnabled } from '../telemetry/tracing.js';
import { perMethod } from './per-method.js';
import { unchangedCall, unchangedClientCall } from './unchanged-call.js';

const TRACEPARENT = 'traceparent';

/** The span attributes of a method, built on its first call (the SDK copies them into each span). */
const rpcAttributes = perMethod((service, method) => ({ 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method }));

function endWithStatus(span: Span, code: number, details?: string): void {
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== GrpcStatus.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: `${GrpcStatus[code]}: ${details ?? ''}` });
  span.end();
}

/**
 * A SERVER span per call, child of the caller's `traceparent` metadata. Every step of the call
 * (metadata, message, half-close: where grpc-js runs a unary handler) is delivered inside the
 * span's context, so the handler, and the interceptors after this one, run in it.
 */
export const tracingServerInterceptor: ServerInterceptor = (method, call) => {
  if (!tracingEnabled()) return unchangedCall(call);
  let span: Span | undefined;
  let spanContext: Context = context.active();
  const inSpan = (deliver: () => void) => context.with(spanContext, deliver);
  return new ServerInterceptingCall(call, {
    start(next) {
      next({
        onReceiveMetadata(metadata, nextMetadata) {
          const parent = contextFromTraceparent(firstValue(metadata, TRACEPARENT));
          span = tracer().startSpan(method.path.slice(1), { kind: SpanKind.SERVER, attributes: rpcAttributes(method.path) }, parent);
          spanContext = trace.setSpan(parent, span);
          inSpan(() => nextMetadata(metadata));
        },
        onReceiveMessage: (message, nextMessage) => inSpan(() => nextMessage(message)),
        onReceiveHalfClose: (nextHalfClose) => inSpan(() => nextHalfClose()),
        onCancel: () => {
          if (span?.isRecording()) endWithStatus(span, GrpcStatus.CANCELLED, 'cancelled by the client');
        },
      });
    },
    sendStatus(status, next) {
      if (span?.isRecording()) endWithStatus(span, status.code ?? GrpcStatus.UNKNOWN, status.details);
      next(status);
    },
  });
};

/** A CLIENT span per outgoing call made inside a traced context; its traceparent goes in the metadata. */
export const tracingClientInterceptor: Interceptor = (options, nextCall) => {
  if (!tracingEnabled()) return unchangedClientCall(nextCall(options));
  const parent = context.active();
  if (!trace.getSpan(parent)) return unchangedClientCall(nextCall(options));
  const path = options.method_definition.path;
  const span = tracer().startSpan(path.slice(1), { kind: SpanKind.CLIENT, attributes: rpcAttributes(path) }, parent);
  return new InterceptingCall(nextCall(options), {
    start(metadata, _listener, next) {
      const traceparent = traceparentOf(trace.setSpan(parent, span));
      if (traceparent) metadata.set(TRACEPARENT, traceparent);
      next(metadata, {
        onReceiveStatus(status, nextStatus) {
          endWithStatus(span, status.code, status.details);
          nextStatus(status);
        },
      });
    },
  });
};

function firstValue(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}
