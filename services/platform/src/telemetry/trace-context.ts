import {
  type Context,
  context,
  INVALID_SPANID,
  INVALID_TRACEID,
  ROOT_CONTEXT,
  type SpanContext,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { tracingEnabled } from './tracing.js';

/**
 * W3C trace context as one `traceparent` string: what the outbox stores with a row and what
 * travels in message headers and gRPC metadata. The W3C propagator parses it directly, so the
 * stored format does not depend on which propagators a deployment configures.
 */
const w3c = new W3CTraceContextPropagator();

type Carrier = Record<string, string>;
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
 * Formatted here, not by the propagator's inject: the ids of a span context are valid hex by
 * construction (the SDK made them, or the propagator validated them on extraction), so the
 * string is all there is to it, and this runs for every outbox row written while traced.
 */
export function traceparentOf(ctx: Context): string | undefined {
  const spanContext = trace.getSpan(ctx)?.spanContext();
  if (!spanContext || spanContext.traceId === INVALID_TRACEID || spanContext.spanId === INVALID_SPANID) return undefined;
  return traceparentOfSpanContext(spanContext);
}

/** The traceparent of a span context (see traceparentOf). */
export function traceparentOfSpanContext(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-0${spanContext.traceFlags & TraceFlags.SAMPLED}`;
}

/** Version 00, the form traceparentOf writes and every outbox row and message of ours carries. */
const VERSION_00 = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The remote span context a traceparent names, or undefined if it is absent or malformed.
 * Every consumed and every published event's traceparent is read here, a few per mission: the
 * version-00 form is checked by one plain anchored pattern and sliced into a span context,
 * without the propagator's carrier object, getter and context (a context is made only where
 * one is needed). Anything else (another version, trailing fields) is the propagator's to read.
 */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  if (!traceparent) return undefined;
  if (traceparent.length !== 55 || !VERSION_00.test(traceparent))
    return trace.getSpanContext(w3c.extract(ROOT_CONTEXT, { traceparent }, getter));
  const traceId = traceparent.slice(3, 35);
  const spanId = traceparent.slice(36, 52);
  if (traceId === INVALID_TRACEID || spanId === INVALID_SPANID) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(traceparent.slice(53), 16), isRemote: true };
}

/** Whether the trace was sampled where it began (the W3C sampled flag). */
export function isSampled(spanContext: SpanContext): boolean {
  return (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
}

/** A context whose parent is the given traceparent (the root context if it is absent or malformed). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  const spanContext = spanContextOf(traceparent);
  return spanContext ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT;
}
