import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { metricsRegistry, setMetricsEnabled } from '#platform/metrics/metrics-registry';
import { disableTracing, enableTracing, tracerProvider } from '#platform/telemetry/tracing';

/** Takes every span and drops it: the SDK's whole path (spans, context, batching) without a network. */
class DiscardingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void): void {
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

/** The sampler the SDK builds from OTEL_TRACES_SAMPLER (its default: every trace a root starts). */
function samplerDescription(env = process.env): string {
  const sampler = env.OTEL_TRACES_SAMPLER || 'parentbased_always_on';
  return env.OTEL_TRACES_SAMPLER_ARG ? `${sampler} ${env.OTEL_TRACES_SAMPLER_ARG}` : sampler;
}

/**
 * Telemetry as the services run it, for the services the bench runs in this process: metrics
 * recorded and scraped every 5 s (as Prometheus would), every mission traced (spans batched to
 * OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, else to a discarding exporter), or the share
 * OTEL_TRACES_SAMPLER picks, as in the services. Off: neither.
 */
export class BenchTelemetry {
  private provider?: NodeTracerProvider;
  private scraper?: NodeJS.Timeout;
  private readonly otlp = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT);

  get description(): string {
    const spans = this.otlp ? 'spans exported over OTLP' : 'spans batched to a discarding exporter';
    return `metrics scraped every 5 s, ${spans}, sampler ${samplerDescription()}`;
  }

  /**
   * Idempotent: the ABBA order turns telemetry on twice in a row, and a second provider and
   * scrape timer over the first would leave the first timer running for good (the process then
   * never exits once the bench is done).
   */
  async on(): Promise<void> {
    if (this.provider) return;
    setMetricsEnabled(true);
    // A new exporter each time: shutting the provider down shuts its exporter down for good.
    const exporter = this.otlp ? new OTLPTraceExporter() : new DiscardingExporter();
    // The provider every service runs (startTracing builds it the same way).
    this.provider = await tracerProvider(exporter);
    enableTracing(this.provider);
    this.scraper = setInterval(() => void metricsRegistry.metrics().catch(() => {}), 5000);
  }

  async off(): Promise<void> {
    clearInterval(this.scraper);
    this.scraper = undefined;
    const provider = this.provider;
    this.provider = undefined;
    if (provider) {
      await provider.shutdown();
      disableTracing();
    }
    setMetricsEnabled(false);
  }
}
