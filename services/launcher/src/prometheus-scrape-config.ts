import { stringify } from 'yaml';

export interface ScrapeTarget {
  readonly service: string;
  readonly replica: number;
  /** Where the process serves GET /metrics (on 127.0.0.1). */
  readonly metricsPort: number;
}

/**
 * A Prometheus configuration that scrapes processes on this machine (`make up` writes one next
 * to its state): one job per service, an `app` and a `pod` label per process, as the
 * PodMonitors give them in the cluster, so the same rules and dashboard queries work locally.
 */
export function prometheusScrapeConfig(targets: readonly ScrapeTarget[], scrapeIntervalSeconds = 5): string {
  const services = [...new Set(targets.map((target) => target.service))];
  return stringify({
    global: { scrape_interval: `${scrapeIntervalSeconds}s`, evaluation_interval: `${scrapeIntervalSeconds}s` },
    scrape_configs: services.map((service) => ({
      job_name: service,
      metrics_path: '/metrics',
      static_configs: targets
        .filter((target) => target.service === service)
        .map((target) => ({ targets: [`127.0.0.1:${target.metricsPort}`], labels: { app: service, pod: `${service}-${target.replica}` } })),
    })),
  });
}
