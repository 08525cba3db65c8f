import type { DescService, FileRegistry } from '@bufbuild/protobuf';
import {
  EDGE_RETRIES,
  isReadMethod,
  isServiceName,
  SERVICE_CATALOG,
  type ServiceEntry,
  SHARED_API_CONTEXTS,
  STANDARD_TIMEOUTS,
} from '#contracts/service-catalog';

/**
 * What the edge exposes, from the service catalog (services/contracts/service-catalog.ts), the
 * same source envoy/envoy.yaml's routes are generated from (`npm run gen:envoy-config`). Public:
 * every service of a `game.<context>.v1` package, unless its catalog entry says `edge: 'internal'`
 * or the package is a shared API (`game.platform.v1`, the platform's internal APIs). A package the
 * catalog does not list (a contract handed to the gateway beyond the platform's) gets the defaults.
 */
const CONTEXT_PACKAGE = /^game\.([a-z][a-z0-9_]*)\.v\d+$/;

/** The bounded context of a service's package (game.gift.v1 -> 'gift'), if it is one of ours. */
export function serviceContext(service: DescService): string | undefined {
  return CONTEXT_PACKAGE.exec(service.file.proto.package)?.[1];
}

/** The context of a service by its full name (game.gift.v1.GiftService -> 'gift'). */
function contextOf(serviceName: string): string | undefined {
  return /^game\.([a-z][a-z0-9_]*)\.v\d+\./.exec(serviceName)?.[1];
}

/** The catalog entry of a service by its full name, if the catalog lists its context. */
function entryOf(serviceName: string): ServiceEntry | undefined {
  const context = contextOf(serviceName);
  return context !== undefined && isServiceName(context) ? SERVICE_CATALOG[context] : undefined;
}

export function isPublicService(service: DescService): boolean {
  const context = serviceContext(service);
  if (context === undefined || SHARED_API_CONTEXTS.includes(context)) return false;
  return entryOf(service.typeName)?.edge !== 'internal';
}

/**
 * Methods of public services that only other services call (the catalog's `meshOnly`). Their
 * routes exist (the contract annotates every RPC) but the edge refuses them with 403; callers
 * inside the mesh use gRPC. Keyed by `package.Service.Method`, valued with the reason the client
 * is told (Envoy's direct_response body for the same route, word for word).
 */
export function edgeRefusal(serviceName: string, methodName: string): string | undefined {
  const meshOnly: Readonly<Record<string, string>> | undefined = entryOf(serviceName)?.meshOnly;
  return meshOnly !== undefined && Object.hasOwn(meshOnly, methodName) ? meshOnly[methodName] : undefined;
}

/**
 * The upstream timeout of each route, as envoy/envoy.yaml sets them: the catalog's
 * `routeTimeoutMs` of the service, for reads (Get*, List*) or writes.
 */
export function routeTimeoutMs(serviceName: string, methodName: string): number {
  const timeouts = entryOf(serviceName)?.routeTimeoutMs ?? STANDARD_TIMEOUTS;
  return isReadMethod(methodName) ? timeouts.read : timeouts.write;
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
 * The retries envoy/envoy.yaml sets on each route (the catalog's EDGE_RETRIES), applied the same
 * way here: reads (Get*, List*) are retried on UNAVAILABLE; writes only when the request never reached a service
 * (no connection, or the stream was refused), so nothing is ever done twice. A service's
 * own UNAVAILABLE answer with an error code (the wallet's "try again later") is never retried.
 */
export interface RetryPolicy {
  readonly retries: number;
  readonly shouldRetry: (failure: { code: number; message: string; errorCode?: string }) => boolean;
}

const NEVER_REACHED = /No connection established|ECONNREFUSED|refused stream|REFUSED_STREAM|Connection dropped before/i;
const UNAVAILABLE = 14;

export function routeRetryPolicy(methodName: string): RetryPolicy {
  if (isReadMethod(methodName)) {
    return { retries: EDGE_RETRIES.read.retries, shouldRetry: ({ code, errorCode }) => code === UNAVAILABLE && !errorCode };
  }
  return {
    retries: EDGE_RETRIES.write.retries,
    shouldRetry: ({ code, message, errorCode }) => code === UNAVAILABLE && !errorCode && NEVER_REACHED.test(message),
  };
}

/** Envoy's default retry back-off base interval. */
export const RETRY_BASE_INTERVAL_MS = 25;
