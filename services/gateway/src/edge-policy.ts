import type { DescService, FileRegistry } from '@bufbuild/protobuf';

/**
 * What the edge exposes. Public: every service of a `game.<context>.v1` package except
 * `game.platform.v1`, the platform's internal APIs. The deployment's Envoy applies the same
 * policy (envoy/envoy.yaml); keep the two in step.
 */
const CONTEXT_PACKAGE = /^game\.([a-z][a-z0-9_]*)\.v\d+$/;
const INTERNAL_CONTEXTS = new Set(['platform']);

/** The bounded context of a service's package (game.gift.v1 -> 'gift'), if it is one of ours. */
export function serviceContext(service: DescService): string | undefined {
  return CONTEXT_PACKAGE.exec(service.file.proto.package)?.[1];
}

export function isPublicService(service: DescService): boolean {
  const context = serviceContext(service);
  return context !== undefined && !INTERNAL_CONTEXTS.has(context);
}

/**
 * Methods of public services that only other services call. Their routes exist (the contract
 * annotates every RPC) but the edge refuses them with 403; callers inside the mesh use gRPC.
 * Keyed by `package.Service.Method`, valued with the reason the client is told.
 */
export const EDGE_REFUSED_METHODS: ReadonlyMap<string, string> = new Map([
  [
    'game.gift.v1.GiftService.ReserveGift',
    // Envoy's direct_response body for the same route, word for word.
    'ReserveGift is internal: only the wallet reserves gift stock',
  ],
]);

/**
 * The upstream timeout of each route, as envoy/envoy.yaml sets them: 10 s for the wallet's writes
 * (ExchangeReward waits on the gift shop, with the wallet's own retries, and the edge must outlast
 * that or the client sees 504 for an exchange that then completes), 5 s for everything else.
 */
export function routeTimeoutMs(serviceName: string, methodName: string): number {
  const isRead = /^(Get|List)/.test(methodName);
  return serviceName === 'game.wallet.v1.WalletService' && !isRead ? 10_000 : 5_000;
}

export interface PublicService {
  /** Full name, e.g. game.gift.v1.GiftService. */
  readonly name: string;
  /** Its bounded context (game.gift.v1 -> 'gift'), which names its service and address variable. */
  readonly context: string;
}

/** Every public service in the descriptor set. */
export function publicServices(registry: FileRegistry): PublicService[] {
  const services: PublicService[] = [];
  for (const file of registry.files) {
    for (const service of file.services) {
      if (isPublicService(service)) services.push({ name: service.typeName, context: serviceContext(service) as string });
    }
  }
  return services;
}

/**
 * The retries envoy/envoy.yaml sets on each route, applied the same way here: reads (Get*, List*)
 * are retried twice on UNAVAILABLE; writes once, and only when the request never reached a
 * service (no connection, or the stream was refused), so nothing is ever done twice. A service's
 * own UNAVAILABLE answer with an error code (the wallet's "try again later") is never retried.
 */
export interface RetryPolicy {
  readonly retries: number;
  readonly shouldRetry: (failure: { code: number; message: string; errorCode?: string }) => boolean;
}

const NEVER_REACHED = /No connection established|ECONNREFUSED|refused stream|REFUSED_STREAM|Connection dropped before/i;
const UNAVAILABLE = 14;

export function routeRetryPolicy(methodName: string): RetryPolicy {
  if (/^(Get|List)/.test(methodName)) {
    return { retries: 2, shouldRetry: ({ code, errorCode }) => code === UNAVAILABLE && !errorCode };
  }
  return { retries: 1, shouldRetry: ({ code, message, errorCode }) => code === UNAVAILABLE && !errorCode && NEVER_REACHED.test(message) };
}

/** Envoy's default retry back-off base interval. */
export const RETRY_BASE_INTERVAL_MS = 25;
