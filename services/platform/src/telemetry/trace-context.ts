import { type Context, context, isSpanContextValid, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { tracingEnabled } from './tracing.js';

/**
 * W3C trace context as one `traceparent` string: what the outbox stores with a row and what
 * travels in message headers and gRPC metadata. The W3C propagator is used directly, so the
 * stored format does not depend on which propagators a deployment configures.
 */
const w3c = new W3CTraceContextPropagator();

type Carrier = Record<string, string>;
const setter = {
  set: (carrier: Carrier, key: string, value: string) => {
    carrier[key] = value;
  },
};
const getter = {
  get: (carrier: Carrier, key: string) => carrier[key],
  keys: (carrier: Carrier) => Object.keys(carrier),
};

/** The traceparent of the active span, or undefined when nothing is being traced. */
export function activeTraceparent(): string | undefined {
  if (!tracingEnabled()) return undefined;
  return traceparentOf(context.active());
}

/** trace_id and span_id of the active span, for log lines (empty when nothing is traced). */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  if (!tracingEnabled()) return {};
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/**
 * The context's traceparent, sampled or not: an unsampled trace travels on too (flags 00), so
 * downstream parent-based samplers drop the same trace rather than starting new ones.
 */
export function traceparentOf(ctx: Context): string | undefined {
  const spanContext = trace.getSpan(ctx)?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  const carrier: Carrier = {};
  w3c.inject(ctx, carrier, setter);
  return carrier.traceparent;
}

/** A context whose parent is the given traceparent (the root context if it is absent or malformed). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent }, getter);
}
