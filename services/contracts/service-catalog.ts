/**
 * The platform's services: the one list every other list is derived from. Default ports
 * (service-ports.ts), the launcher (`npm start`, `make up`), the test modules, the Kubernetes
 * manifests (scripts/deploy/render-service-manifests.ts), `npm run db:generate`, `make logs`, the
 * embedded gateway's edge policy (services/gateway/src/edge-policy.ts) and envoy/envoy.yaml's
 * clusters, routes and transcoder list (`npm run gen:envoy-config`) all read it.
 * test/deploy/service-catalog.test.ts fails when a generated file is stale or a `game.<context>.v1`
 * service of proto/ has no entry here (or an entry has no service).
 *
 * The gRPC service names are not in it: they come from the descriptor set, by package
 * `game.<name>.v1`. Who may call an RPC stays in proto/ (access_policy.proto), per RPC.
 *
 * Listed in the order a reward flows (mission first); the launcher starts them in reverse, so a
 * consumer's queue is bound before its producer publishes and gift answers before wallet calls it.
 */

/** The wallet's synchronous call to another service (through the mesh), and its resilience defaults. */
export interface CallPolicyDefaults {
  /** One attempt's deadline. */
  readonly attemptTimeoutMs: number;
  /** Attempts after the first, on UNAVAILABLE, DEADLINE_EXCEEDED or a timeout. */
  readonly maxRetries: number;
  /** Consecutive failures that open the circuit breaker. */
  readonly breakerThreshold: number;
  /** How long the breaker stays open before it lets one call through. */
  readonly halfOpenAfterMs: number;
}

/** An Envoy cluster's connection limits (circuit_breakers): past them Envoy answers UNAVAILABLE at once. */
export interface ClusterLimits {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

export interface ServiceEntry {
  /**
   * Its gRPC port on one machine (`npm start`, `make up`; replica n at + 100 n, metrics at + 1000);
   * in a cluster every service listens on 50051. Below Linux's ephemeral range (32768-60999): a
   * port in it can be taken by any outgoing connection's source port (a Postgres or RabbitMQ
   * connection of a replica started earlier), and `make up` then failed with EADDRINUSE. And
   * clear of the tests' process clusters (20500-27999), so `npm test` runs beside `make up`.
   */
  readonly port: number;
  /** It keeps its own Postgres schema, with drizzle migrations (services/<name>/drizzle.config.ts). */
  readonly database: boolean;
  /** It publishes events through an outbox (and can replay them: EventReplayService). */
  readonly publishes: boolean;
  /** public: routed and transcoded at the edge. internal: reachable only through the mesh. */
  readonly edge: 'public' | 'internal';
  /** The edge's upstream timeout for reads (Get*, List*) and for every other method. */
  readonly routeTimeoutMs: { readonly read: number; readonly write: number };
  /** Methods only other services call: refused at the edge with 403 and this reason, served on the mesh. */
  readonly meshOnly?: Readonly<Record<string, string>>;
  /** Synchronous calls to other services (by catalog name), with the caller's defaults; env vars override them. */
  readonly calls?: Readonly<Record<string, CallPolicyDefaults>>;
  /** Envoy's per-pod ejection. all-failures: any gateway failure or 5xx; local-origin: only what the pod itself fails at. */
  readonly ejection?: 'all-failures' | 'local-origin';
  /** Envoy's connection limits for its cluster, when not DEFAULT_CLUSTER_LIMITS. */
  readonly clusterLimits?: ClusterLimits;
}

/** The edge's route timeouts unless an entry needs longer (and for a contract's service the catalog does not list). */
export const STANDARD_TIMEOUTS = { read: 5_000, write: 5_000 } as const;

export const SERVICE_CATALOG = {
  mission: { port: 30051, database: true, publishes: true, edge: 'public', routeTimeoutMs: STANDARD_TIMEOUTS },
  reward: { port: 30052, database: true, publishes: true, edge: 'public', routeTimeoutMs: STANDARD_TIMEOUTS },
  wallet: {
    port: 30053,
    database: true,
    publishes: true,
    edge: 'public',
    // ExchangeReward waits on the gift shop, with the wallet's own retries (3 attempts of 1 s plus
    // backoff): the edge must outlast that, or the client sees 504 for an exchange that then completes.
    routeTimeoutMs: { read: 5_000, write: 10_000 },
    calls: { gift: { attemptTimeoutMs: 1_000, maxRetries: 2, breakerThreshold: 5, halfOpenAfterMs: 5_000 } },
    // ExchangeReward answers UNAVAILABLE on purpose when the gift shop is down or its breaker is
    // open ("try again later"): counting that would eject healthy wallet pods because gift is sick.
    ejection: 'local-origin',
  },
  gift: {
    port: 30054,
    database: true,
    publishes: true,
    edge: 'public',
    routeTimeoutMs: STANDARD_TIMEOUTS,
    meshOnly: { ReserveGift: 'ReserveGift is internal: only the wallet reserves gift stock' },
    // The service the platform sheds load from when it is overloaded: tighter limits than the
    // others. Past them Envoy answers UNAVAILABLE at once, which the wallet's breaker counts,
    // opening it and telling customers to try the exchange again later.
    clusterLimits: { maxConnections: 32, maxPendingRequests: 64, maxRequests: 256, maxRetries: 5 },
  },
  delivery: { port: 30055, database: true, publishes: true, edge: 'public', routeTimeoutMs: STANDARD_TIMEOUTS },
  mypage: { port: 30056, database: true, publishes: false, edge: 'public', routeTimeoutMs: STANDARD_TIMEOUTS },
  notification: { port: 30057, database: true, publishes: false, edge: 'public', routeTimeoutMs: STANDARD_TIMEOUTS },
} as const satisfies Record<string, ServiceEntry>;

export type ServiceName = keyof typeof SERVICE_CATALOG;

/** Every service, in catalog order (the order a reward flows). */
export const SERVICE_NAMES = Object.keys(SERVICE_CATALOG) as ServiceName[];

/** The order the launcher starts them in: consumers before the producers they follow, gift before wallet. */
export const START_ORDER: readonly ServiceName[] = [...SERVICE_NAMES].reverse();

/** The services that publish events (each has an outbox and answers ReplayEvents). */
export const PUBLISHERS: readonly ServiceName[] = SERVICE_NAMES.filter((name) => SERVICE_CATALOG[name].publishes);

export function serviceEntry(name: ServiceName): ServiceEntry {
  return SERVICE_CATALOG[name];
}

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(SERVICE_CATALOG, name);
}

/**
 * Packages that are no service of their own: `game.platform.v1` holds the operations APIs
 * (ReplayEvents, the read models' admin) every service serves beside its own. Never at the edge.
 */
export const SHARED_API_CONTEXTS: readonly string[] = ['platform'];

/** Envoy's connection limits for a service's cluster unless its entry says otherwise. */
export const DEFAULT_CLUSTER_LIMITS: ClusterLimits = { maxConnections: 64, maxPendingRequests: 256, maxRequests: 1024, maxRetries: 10 };

/**
 * How the edge retries (Envoy and the embedded gateway alike). Reads are retried on UNAVAILABLE
 * on another pod, each try bounded so a retry fits in the route timeout. Writes are retried only
 * when the request provably never reached a service, so nothing is ever done twice.
 */
export const EDGE_RETRIES = {
  read: { retries: 2, perTryTimeoutMs: 2_000 },
  write: { retries: 1 },
} as const;

/**
 * The mesh route of a mesh-only method: retried on fast failures only (idempotent, e.g. ReserveGift
 * on its order id), with no per-try timeout, so a slow callee is left to the caller's own
 * timeout, retries and breaker. The route timeout outlasts the caller's attempts.
 */
export const MESH_ONLY_ROUTE = { timeoutMs: 3_000, retries: 2 } as const;

/** Reads are Get* and List*; every other method is a write. */
export function isReadMethod(methodName: string): boolean {
  return /^(Get|List)/.test(methodName);
}
