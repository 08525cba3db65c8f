import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The process's one registry: what its metrics port serves. Every service in the process
 * registers into it (the embedded launcher runs several), so service-level series carry a
 * `service` label; RPC series carry the full gRPC service name.
 */
export const metricsRegistry = new Registry();

// The event loop's delay is sampled by a timer every `eventLoopMonitoringPrecision` ms
// (prom-client's default 10): a hundred wake-ups a second in every process, idle or not. With
// `make up`'s 16 processes on two cores those wake-ups (strace: an epoll_wait timing out every
// 10 ms in each idle service) held the deployed chain at 131-148 missions/s; sampled every
// 100 ms it ran at 201-204/s on the same machine (docs/performance.md, As deployed). A stall
// long enough to matter (tens of ms and more) still shows in nodejs_eventloop_lag_*.
collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 100 });
// prom-client also exports gauges named nodejs_active_{handles,requests,resources}_total; the
// `_total` suffix is reserved for counters (promtool check metrics flags them), and the same
// numbers are exported without it (nodejs_active_handles, ...).
for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
  metricsRegistry.removeSingleMetric(name);
}

let enabled = true;

/**
 * Whether request-path metrics are recorded (the RPC interceptor, consumer and relay counters).
 * Always on in the services; the chain bench turns it off to measure what telemetry costs.
 */
export function metricsEnabled(): boolean {
  return enabled;
}

export function setMetricsEnabled(on: boolean): void {
  enabled = on;
}
