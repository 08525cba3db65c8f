import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { serveStatic } from '#platform/http/static-files';
import type { Logger } from '#platform/logging/logger';
import { gatewayRequestSeconds, gatewayRequests } from '#platform/metrics/platform-metrics';
import { traceHttpRequest } from '#platform/telemetry/http-tracing';
import { type BearerTokenVerifier, signedInPlayer } from './access/edge-access-check.js';
import type { DemoMissions } from './dev/demo-missions.js';
import { readBody } from './http/body-reader.js';
import { GatewayError, statusBody } from './http/error-response.js';
import { httpStatusOf } from './http/status-mapping.js';
import { type RestTranscoder, sendJson } from './rest-transcoder.js';
import type { RouteTable } from './routing/route-table.js';

/** What the web page needs to sign in (GET /auth/config.json; see services/web/src/auth/auth-settings.ts). */
export interface WebSignInSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly audience: string;
  readonly scope: string;
}

/** The embedded mode's development tool: POST /dev/demo-missions (services/gateway/src/dev). */
export interface GatewayDevTools {
  readonly verify: BearerTokenVerifier;
  readonly achieveDemoMission: DemoMissions;
}

export const AUTH_SETTINGS_PATH = '/auth/config.json';
export const DEMO_MISSIONS_PATH = '/dev/demo-missions';

export interface GatewayServerOptions {
  readonly webSignIn?: WebSignInSettings;
  readonly devTools?: GatewayDevTools;
  readonly routes: RouteTable;
  readonly transcoder: RestTranscoder;
  readonly staticDir?: string;
  readonly maxRequestBytes: number;
  readonly logger: Logger;
}

/** The API lives under /v1/; everything else may be a static file. */
const API_PREFIX = /^\/v\d+(\/|$)/;

/**
 * The HTTP side: every request is either an annotated RPC (transcoded), a static file, or a
 * JSON 404 (Envoy: reject_unknown_method). Nothing is ever passed on untranscoded.
 */
export function createGatewayServer(options: GatewayServerOptions): Server {
  const { routes, transcoder, logger } = options;
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const pathname = normalizePath(queryAt === -1 ? url : url.slice(0, queryAt));
    const rawQuery = queryAt === -1 ? '' : url.slice(queryAt + 1);
    const method = request.method ?? 'GET';
    if (Object.keys(request.headers).some((name) => name.includes('_'))) {
      request.resume();
      throw GatewayError.badRequest('header names with underscores are refused');
    }

    if (pathname === AUTH_SETTINGS_PATH && options.webSignIn && (method === 'GET' || method === 'HEAD')) {
      sendJson(response, 200, JSON.stringify({ ...options.webSignIn, devTools: options.devTools !== undefined }), {
        'cache-control': 'no-store',
      });
      return;
    }
    if (pathname === DEMO_MISSIONS_PATH && options.devTools && method === 'POST')
      return demoMission(options.devTools, request, response, options.maxRequestBytes);

    const match = routes.lookup(method, pathname);
    if (match) return transcoder.transcode(match, rawQuery, request, response);
    if (options.staticDir && !API_PREFIX.test(pathname) && (await serveStatic(options.staticDir, request, response, pathname))) return;
    // Envoy's body limit applies before routing, so an oversized body is 413 even here.
    await readBody(request, options.maxRequestBytes);
    throw GatewayError.notFound(`no API method is bound to ${method} ${pathname}`);
  };

  const server = createServer((request, response) => {
    const started = performance.now();
    response.on('finish', () => {
      const method = request.method ?? 'GET';
      gatewayRequests.inc({ method, code: String(response.statusCode) });
      gatewayRequestSeconds.observe({ method }, (performance.now() - started) / 1000);
      logger.debug('request', {
        method: request.method,
        url: request.url,
        status: response.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
    });
    traceHttpRequest(request, response, () => handle(request, response)).catch((error: unknown) => {
      if (error instanceof GatewayError) {
        // A refused body may still be arriving: close the connection rather than read it all.
        if (error.httpStatus === 413) response.setHeader('connection', 'close');
        sendJson(response, error.httpStatus, statusBody(error.code, error.message), error.headers);
        return;
      }
      logger.error('gateway request failed', { error, stack: error instanceof Error ? error.stack : undefined, url: request.url });
      sendJson(response, 500, statusBody(GrpcStatus.INTERNAL, 'internal error'));
    });
  });
  return server;
}

/** POST /dev/demo-missions {eventCode, missionCode}: a mission for the signed-in player, achieved as the game server. */
async function demoMission(
  devTools: GatewayDevTools,
  request: IncomingMessage,
  response: ServerResponse,
  maxRequestBytes: number,
): Promise<void> {
  const body = await readBody(request, maxRequestBytes);
  const player = await signedInPlayer(devTools.verify, request.headers);
  let asked: { eventCode?: unknown; missionCode?: unknown };
  try {
    asked = JSON.parse(body.toString('utf8') || '{}') as typeof asked;
  } catch {
    throw GatewayError.badRequest('the body is not JSON');
  }
  try {
    const mission = await devTools.achieveDemoMission(
      player.customerId,
      String(asked.eventCode ?? 'web-demo'),
      String(asked.missionCode ?? ''),
    );
    sendJson(response, 200, JSON.stringify(mission));
  } catch (error) {
    const failure = error as { code?: number; details?: string };
    if (typeof failure.code !== 'number') throw error;
    sendJson(response, httpStatusOf(failure.code), statusBody(failure.code, failure.details ?? 'the demo mission failed'));
  }
}

export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The path as Envoy routes it with normalize_path and merge_slashes: dot segments resolved
 * (RFC 3986 5.2.4) and repeated slashes merged, so no other spelling of a path reaches a
 * different route (or slips past a refused one).
 */
export function normalizePath(pathname: string): string {
  const segments = pathname.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i += 1) {
    const segment = segments[i];
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') out.pop();
      if (last) out.push('');
    } else if (segment !== '' || last) {
      out.push(segment);
    }
  }
  return `/${out.join('/')}`;
}
