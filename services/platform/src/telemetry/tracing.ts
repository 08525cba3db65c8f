import { context, propagation, type Tracer, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const TRACER_NAME = 'game-event-rewards';
let current: Tracer = trace.getTracer(TRACER_NAME);
let enabled = false;

/** The tracer every platform span comes from: the registered provider's (re-read when it changes). */
export function tracer(): Tracer {
  return current;
}

/**
 * Whether spans are recorded in this process. Everything that traces checks it first, so with
 * tracing off no span, context or header is ever made: "off" costs one boolean test.
 */
export function tracingEnabled(): boolean {
  return enabled;
}

/** Registers a provider (and with it the async-hooks context manager and W3C propagators). */
export function enableTracing(provider: NodeTracerProvider): void {
  provider.register();
  current = provider.getTracer(TRACER_NAME);
  enabled = true;
}

/** Unregisters the global provider, context manager and propagators (tests do this between suites). */
export function disableTracing(): void {
  enabled = false;
  trace.disable();
  current = trace.getTracer(TRACER_NAME);
  context.disable();
  propagation.disable();
}

export interface RunningTracing {
  shutdown(): Promise<void>;
}

/**
 * Traces this process when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans are batched and exported
 * over OTLP/gRPC (the exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself).
 * Unset, nothing is registered and the API's no-op tracer stays in place.
 *
 * Why our own grpc-js interceptors rather than @opentelemetry/instrumentation-grpc: that
 * patches grpc-js only if a loader hook (import-in-the-middle) is registered before grpc-js is
 * first imported, which every entry point (service mains, the launcher, tsx under mocha, the
 * benches) would have to get right; the platform already puts interceptors on every server and
 * client (RED metrics, auth), so context propagation sits there too and works everywhere.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): RunningTracing {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT || enabled) return { shutdown: async () => {} };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  enableTracing(provider);
  return {
    shutdown: async () => {
      await provider.shutdown();
      disableTracing();
    },
  };
}
