import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readInt, readString } from '../config/env-reader.js';
import type { Logger } from '../logging/logger.js';
import { metricsRegistry } from './metrics-registry.js';

/** The port Prometheus scrapes on every pod (k8s/base and the PodMonitor name it "metrics"). */
export const DEFAULT_METRICS_PORT = 9464;

/** METRICS_PORT (0 picks a free port) and METRICS_HOST (default: all interfaces, as gRPC). */
export function readMetricsAddress(env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  return {
    host: readString(env, 'METRICS_HOST', '0.0.0.0'),
    port: readInt(env, 'METRICS_PORT', DEFAULT_METRICS_PORT, { min: 0, max: 65535 }),
  };
}

export interface RunningMetricsServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Serves the process's metrics at GET /metrics in Prometheus' text format (on its own port, so
 * it is scraped without going through the gRPC port or the edge).
 */
export async function startMetricsServer(options: { host: string; port: number; logger: Logger }): Promise<RunningMetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at /metrics\n');
      return;
    }
    metricsRegistry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(body),
      (error: unknown) => {
        options.logger.error('metrics scrape failed', { error });
        response.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info('metrics served', { metrics: `http://${options.host}:${port}/metrics` });
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
