import { context, trace } from '@opentelemetry/api';
import { expect } from 'chai';
import { createLogger } from '#platform/logging/logger';
import { tracer } from '#platform/telemetry/tracing';
import { TraceCapture } from '#testing/trace-capture';

/** Runs `work` with stdout captured; returns the JSON lines written. */
function captureLines(work: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    work();
  } finally {
    process.stdout.write = original;
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('Log lines carry the trace they were written in', () => {
  let capture: TraceCapture;
  before(() => {
    capture = TraceCapture.start();
  });
  after(async () => capture.stop());

  it('a line logged inside a span has its trace_id and span_id; one outside has neither', () => {
    const logger = createLogger({ level: 'info' }).child({ service: 'mission' });
    const span = tracer().startSpan('work');
    const [inside, outside] = captureLines(() => {
      context.with(trace.setSpan(context.active(), span), () => logger.info('inside the span'));
      logger.info('outside any span');
    });
    span.end();
    expect(inside).to.include({
      msg: 'inside the span',
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
      service: 'mission',
    });
    expect(capture.spans().map((s) => s.spanContext().traceId)).to.include(inside.trace_id);
    expect(outside).to.not.have.property('trace_id');
    expect(outside).to.not.have.property('span_id');
  });
});
