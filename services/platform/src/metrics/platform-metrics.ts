import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics-registry.js';

const registers = [metricsRegistry];

/** RED per RPC (grpc-ecosystem/go-grpc-prometheus names, so existing dashboards understand them). */
export const grpcHandled = new Counter({
  name: 'grpc_server_handled_total',
  help: 'RPCs completed on the server, by status code.',
  labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
  registers,
});

export const grpcHandlingSeconds = new Histogram({
  name: 'grpc_server_handling_seconds',
  help: 'Time from receiving an RPC to sending its status.',
  labelNames: ['grpc_service', 'grpc_method'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});

export const eventsConsumed = new Counter({
  name: 'events_consumed_total',
  help: 'Events a consumer settled, by outcome: applied, duplicate (inbox had it), retried, dead_lettered.',
  labelNames: ['service', 'event_type', 'outcome'] as const,
  registers,
});

export const eventLagSeconds = new Histogram({
  name: 'event_lag_seconds',
  help: 'End-to-end lag: from the moment the event occurred at its publisher to the commit of its effect here.',
  labelNames: ['service', 'event_type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers,
});

export const eventsPublished = new Counter({
  name: 'events_published_total',
  help: 'Events the outbox relay published (broker-confirmed), by type.',
  labelNames: ['service', 'event_type'] as const,
  registers,
});

export const gatewayRequests = new Counter({
  name: 'http_server_requests_total',
  help: 'HTTP requests the REST gateway answered, by method and status code.',
  labelNames: ['method', 'code'] as const,
  registers,
});

export const gatewayRequestSeconds = new Histogram({
  name: 'http_server_request_duration_seconds',
  help: 'Time the REST gateway took to answer, by method.',
  labelNames: ['method'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});

/** A gauge whose value is read when Prometheus scrapes, from whatever sources are registered. */
export function scrapedGauge<L extends string>(name: string, help: string, labelNames: readonly L[]) {
  const sources = new Set<(gauge: Gauge<L>) => Promise<void>>();
  new Gauge<L>({
    name,
    help,
    labelNames,
    registers,
    async collect() {
      this.reset();
      await Promise.all([...sources].map((source) => source(this).catch(() => {})));
    },
  });
  return {
    /** Adds a source; returns the function that removes it (when its service stops). */
    add(source: (gauge: Gauge<L>) => Promise<void>): () => void {
      sources.add(source);
      return () => sources.delete(source);
    },
  };
}
