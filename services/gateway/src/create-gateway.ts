/**
 * The REST edge for running without Envoy: `npm start` and the tests. In a deployment Envoy is
 * the edge (envoy/envoy.yaml: grpc_json_transcoder with convert_grpc_status, reject_unknown_method,
 * reject_unknown_query_parameters, a 64 KiB body limit, ReserveGift refused); this gateway is its
 * stand-in and must answer exactly as it does. Like Envoy it knows no routes of its own: they
 * come from the google.api.http annotations in the descriptor set.
 */
import type { FileRegistry } from '@bufbuild/protobuf';
import { AccessPolicies } from '#platform/auth/access-policy';
import type { Logger } from '#platform/logging/logger';
import { EdgeAccessCheck, type EdgeAccessOptions } from './access/edge-access-check.js';
import { loadDescriptorRegistry } from './descriptor/descriptor-registry.js';
import { DEFAULT_MAX_REQUEST_BYTES } from './gateway-config.js';
import { createGatewayServer, type GatewayDevTools, listen, type WebSignInSettings } from './gateway-server.js';
import { RestTranscoder } from './rest-transcoder.js';
import { type Route, RouteTable } from './routing/route-table.js';
import { UpstreamPool, type Upstreams } from './upstream/upstream-pool.js';

export interface GatewayOptions {
  /** Full service name -> gRPC target. A public service without one answers 503. */
  readonly upstreams: Upstreams;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Default 0.0.0.0. */
  readonly host?: string;
  readonly logger: Logger;
  /** Serve this directory's files outside /v1/ (a web page at `/`). */
  readonly staticDir?: string;
  /** Deadline of every upstream call; default: each route's own, as in envoy.yaml (edge-policy.ts). */
  readonly upstreamTimeoutMs?: number;
  /** Largest request body accepted (default 64 KiB); larger is 413. */
  readonly maxRequestBytes?: number;
  /** Default: the descriptor set `npm run gen` writes. */
  readonly registry?: FileRegistry;
  /**
   * Who may call what: the token verifier (required: there is no open mode), the policies
   * (default: the access options of the registry's descriptor set) and the rate limits.
   */
  readonly access: Omit<EdgeAccessOptions, 'policies'> & { readonly policies?: AccessPolicies };
  /** Serve /auth/config.json for the web page's sign-in. */
  readonly webSignIn?: WebSignInSettings;
  /** The embedded mode's development endpoints (never with a real provider). */
  readonly devTools?: GatewayDevTools;
}

export interface RunningGateway {
  readonly port: number;
  /** http://host:port, no trailing slash. */
  readonly url: string;
  readonly routes: readonly Route[];
  /** Stops accepting, lets requests in flight finish (up to graceMs, then cuts them), closes the upstream channels. */
  stop(graceMs?: number): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger.child({ service: 'gateway' });
  const registry = options.registry ?? loadDescriptorRegistry();
  const routes = new RouteTable(registry);
  const upstreams = new UpstreamPool(options.upstreams);
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const access = new EdgeAccessCheck({ ...options.access, policies: options.access.policies ?? AccessPolicies.fromRegistry(registry) });
  const transcoder = new RestTranscoder({
    registry,
    upstreams,
    upstreamTimeoutMs: options.upstreamTimeoutMs,
    maxRequestBytes,
    logger,
    access,
  });
  const server = createGatewayServer({
    routes,
    transcoder,
    staticDir: options.staticDir,
    maxRequestBytes,
    logger,
    webSignIn: options.webSignIn,
    devTools: options.devTools,
  });
  const host = options.host ?? '0.0.0.0';
  const port = await listen(server, host, options.port ?? 8080);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  logger.info('gateway ready', { port, routes: routes.routes.length, upstreams: options.upstreams });

  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `http://${urlHost}:${port}`,
    routes: routes.routes,
    stop(graceMs = 5000) {
      stopping ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }).then(() => {
        upstreams.close();
        logger.info('gateway stopped');
      });
      return stopping;
    },
  };
}
