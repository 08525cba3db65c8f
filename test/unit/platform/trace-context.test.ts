import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { expect } from 'chai';
import { contextFromTraceparent, spanContextOf, traceparentOf } from '#platform/telemetry/trace-context';

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

/** The events' traceparents are read by a fast path for version 00: it must read what the propagator reads. */
describe('span context of a traceparent', () => {
  const byPropagator = (traceparent: string) =>
    trace.getSpanContext(
      new W3CTraceContextPropagator().extract(
        ROOT_CONTEXT,
        { traceparent },
        {
          get: (carrier: Record<string, string>, key: string) => carrier[key],
          keys: (carrier: Record<string, string>) => Object.keys(carrier),
        },
      ),
    );

  it("is the propagator's reading for version 00, sampled or not, and for malformed ones", () => {
    const hex = (bytes: number) => randomBytes(bytes).toString('hex');
    const cases = [
      ...Array.from({ length: 50 }, () => `00-${hex(16)}-${hex(8)}-0${randomBytes(1)[0] & 1}`),
      `00-${hex(16)}-${hex(8)}-ab`,
      `00-${hex(16).toUpperCase()}-${hex(8)}-01`,
      `00-${'0'.repeat(32)}-${hex(8)}-01`,
      `00-${hex(16)}-${'0'.repeat(16)}-01`,
      `00-${hex(16)}-${hex(8)}-0g`,
      `00-${hex(16)}-${hex(8)}-01-extra`,
      `ff-${hex(16)}-${hex(8)}-01`,
      `cc-${hex(16)}-${hex(8)}-01-future-field`,
      `00_${hex(16)}-${hex(8)}-01`,
      'not-a-traceparent',
    ];
    for (const traceparent of cases) expect(spanContextOf(traceparent), traceparent).to.deep.equal(byPropagator(traceparent));
  });

  it('is undefined without a traceparent', () => {
    expect(spanContextOf(undefined)).to.equal(undefined);
    expect(spanContextOf('')).to.equal(undefined);
  });
});
