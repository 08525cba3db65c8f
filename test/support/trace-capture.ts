import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { disableTracing, enableTracing } from '#platform/telemetry/tracing';

/**
 * Records every span this process makes, in memory, while a suite runs: the real SDK and the
 * real context propagation, with an InMemorySpanExporter instead of OTLP.
 */
export class TraceCapture {
  private readonly exporter = new InMemorySpanExporter();
  private readonly provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.exporter)] });

  static start(): TraceCapture {
    const capture = new TraceCapture();
    enableTracing(capture.provider);
    return capture;
  }

  spans(traceId?: string): ReadableSpan[] {
    const all = this.exporter.getFinishedSpans();
    return traceId ? all.filter((span) => span.spanContext().traceId === traceId) : all;
  }

  async stop(): Promise<void> {
    disableTracing();
    await this.provider.shutdown();
  }
}

/** The span's parent span id (undefined for a root). */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
