import { context, propagation, type Tracer, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

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

/**
 * The provider a traced process runs: its spans batched with the SDK's defaults (a batch of 512
 * leaves at once, at most 2,048 wait) to the exporter. The services (startTracing) and the chain
 * bench both build theirs here, so the bench measures what the services pay: a bigger queue and
 * batch once measured a cost they do not pay (spans held longer outlived the young generation).
 */
export async function tracerProvider(exporter: SpanExporter, serviceName?: string): Promise<NodeTracerProvider> {
  const [{ resourceFromAttributes }, { BatchSpanProcessor }, { NodeTracerProvider }] = await Promise.all([
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'),
  ]);
  return new NodeTracerProvider({
    ...(serviceName && { resource: resourceFromAttributes({ 'service.name': serviceName }) }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
}

export interface RunningTracing {
  shutdown(): Promise<void>;
}

/**
 * Traces this process when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans are batched and exported
 * over OTLP/gRPC (the exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself).
 * Unset, nothing is registered and the API's no-op tracer stays in place, and the SDK and the
 * exporter are not even loaded: they are imported here, only when needed (loading them costs
 * each process a few hundred milliseconds of CPU and a few MB at start).
 *
 * Why our own grpc-js interceptors rather than @opentelemetry/instrumentation-grpc: that
 * patches grpc-js only if a loader hook (import-in-the-middle) is registered before grpc-js is
 * first imported, which every entry point (service mains, the launcher, tsx under mocha, the
 * benches) would have to get right; the platform already puts interceptors on every server and
 * client (RED metrics, auth), so context propagation sits there too and works everywhere.
 */
export async function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<RunningTracing> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT || enabled) return { shutdown: async () => {} };
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
  const provider = await tracerProvider(new OTLPTraceExporter(), env.OTEL_SERVICE_NAME || serviceName);
  enableTracing(provider);
  return {
    shutdown: async () => {
      await provider.shutdown();
      disableTracing();
    },
  };
}
