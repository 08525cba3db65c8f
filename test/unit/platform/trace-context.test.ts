import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { expect } from 'chai';
import { contextFromTraceparent, traceparentOf } from '#platform/telemetry/trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** The traceparent the outbox stores is formatted by hand: it must be what the W3C propagator writes. */
describe('traceparent of a context', () => {
  const withSpan = (traceFlags: number) =>
    trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags, isRemote: false });
  const byPropagator = (traceFlags: number) => {
    const carrier: Record<string, string> = {};
    new W3CTraceContextPropagator().inject(withSpan(traceFlags), carrier, {
      set: (target: Record<string, string>, key: string, value: string) => {
        target[key] = value;
      },
    });
    return carrier.traceparent;
  };

  it("is the W3C propagator's string, sampled or not", () => {
    expect(traceparentOf(withSpan(TraceFlags.SAMPLED)))
      .to.equal(`00-${TRACE_ID}-${SPAN_ID}-01`)
      .and.equal(byPropagator(TraceFlags.SAMPLED));
    expect(traceparentOf(withSpan(TraceFlags.NONE)))
      .to.equal(`00-${TRACE_ID}-${SPAN_ID}-00`)
      .and.equal(byPropagator(TraceFlags.NONE));
  });

  it('round-trips through contextFromTraceparent', () => {
    const traceparent = `00-${TRACE_ID}-${SPAN_ID}-01`;
    expect(traceparentOf(contextFromTraceparent(traceparent))).to.equal(traceparent);
  });

  it('is undefined without a valid span, and a malformed one parses to the root context', () => {
    expect(traceparentOf(ROOT_CONTEXT)).to.equal(undefined);
    expect(traceparentOf(contextFromTraceparent(`00-${'0'.repeat(32)}-${SPAN_ID}-01`))).to.equal(undefined);
    expect(contextFromTraceparent('not-a-traceparent')).to.equal(ROOT_CONTEXT);
    expect(contextFromTraceparent(undefined)).to.equal(ROOT_CONTEXT);
  });
});
