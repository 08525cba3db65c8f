import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serveStatic } from '#platform/http/static-files';
import type { Logger } from '#platform/logging/logger';
import type { WebConfig } from './web-config.js';

/** What the kubelet's probes and Envoy's active health check ask. Not routed by the edge. */
export const HEALTH_PATH = '/healthz';
/** The page's sign-in settings (services/web/src/auth/auth-settings.ts). */
export const AUTH_SETTINGS_PATH = '/auth/config.json';

/**
 * Longer than Envoy's idle timeout for the web cluster (envoy.yaml, 30 s), so Envoy always closes
 * an idle upstream connection first: a request is never sent on a connection this side is closing.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * How long stop() lets open connections finish before it cuts them: a request in flight is a
 * small file, but a connection that was opened and never used (or a stalled client) would
 * otherwise keep the process up until the shutdown bound kills it with exit code 1.
 */
export const DRAIN_MS = 5_000;

export interface WebServerOptions {
  readonly distDir: string;
  readonly logger: Logger;
  /** Served as /auth/config.json for the page's sign-in (no development tools behind Envoy). */
  readonly signIn?: WebConfig['signIn'];
  /** Default DRAIN_MS. */
  readonly drainMs?: number;
}

export interface WebServer {
  readonly server: Server;
  /** Resolves with the port it listens on (0 picks a free one). */
  listen(host: string, port: number): Promise<number>;
  /**
   * Graceful stop: health turns 503, every answer from now on closes its connection, no new
   * connection is accepted, idle connections close, requests in flight get DRAIN_MS to finish.
   */
  stop(): Promise<void>;
}

/**
 * The My Page web front end behind Envoy (k8s Deployment `web`): the built files of distDir for
 * GET and HEAD, read-only, with the cache policy of services/platform/src/http/static-files.ts,
 * and GET /healthz. Anything else is 404 (no such file) or 405 (not GET or HEAD).
 */
export function createWebServer(options: WebServerOptions): WebServer {
  const { distDir, logger } = options;
  let stopping = false;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    // Envoy reuses upstream connections: once stopping, each answer tells it to drop this one.
    if (stopping) response.setHeader('connection', 'close');
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      request.resume();
      return sendText(response, 405, 'method not allowed', { allow: 'GET, HEAD' });
    }
    const pathname = pathOf(request.url ?? '/');
    if (pathname === undefined) return sendText(response, 400, 'bad request target');
    if (pathname === HEALTH_PATH) return stopping ? sendText(response, 503, 'stopping') : sendText(response, 200, 'ok');
    if (pathname === AUTH_SETTINGS_PATH && options.signIn) {
      const body = JSON.stringify({ ...options.signIn, devTools: false });
      response.writeHead(200, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(body),
      });
      response.end(method === 'HEAD' ? undefined : body);
      return;
    }
    if (await serveStatic(distDir, request, response, pathname)) return;
    sendText(response, 404, 'not found');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error('web request failed', { error, url: request.url });
      if (response.headersSent) response.destroy();
      else sendText(response, 500, 'internal error');
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;

  return {
    server,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        stopping = true;
        const cut = setTimeout(() => server.closeAllConnections(), options.drainMs ?? DRAIN_MS);
        server.close((error) => {
          clearTimeout(cut);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** Fails the start when there is nothing to serve, rather than answering 404 to every visitor. */
export async function assertBuilt(distDir: string): Promise<void> {
  const index = await stat(join(distDir, 'index.html')).catch(() => undefined);
  if (!index?.isFile()) throw new Error(`${join(distDir, 'index.html')} is missing: build the front end first (npm run build:web)`);
}

/** The request target's path, dot segments resolved (WHATWG URL parsing); undefined if it does not parse. */
function pathOf(target: string): string | undefined {
  try {
    return new URL(target, 'http://web.invalid').pathname;
  } catch {
    return undefined;
  }
}

function sendText(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
