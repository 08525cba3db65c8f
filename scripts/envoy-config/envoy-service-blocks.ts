import type { DescService, FileRegistry } from '@bufbuild/protobuf';
import {
  DEFAULT_CLUSTER_LIMITS,
  EDGE_RETRIES,
  MESH_ONLY_ROUTE,
  SERVICE_CATALOG,
  SERVICE_NAMES,
  type ServiceEntry,
  type ServiceName,
} from '#contracts/service-catalog';

/**
 * The parts of envoy/envoy.yaml that follow from the service catalog
 * (services/contracts/service-catalog.ts) and the descriptor set, one generated block each:
 *
 *   transcoder-services  the grpc_json_transcoder's services: every service of a public entry.
 *   edge-routes          the edge's routes: a 403 for each mesh-only method, then per service its
 *                        reads (Get*, List*, retried on UNAVAILABLE) and its writes (retried only
 *                        when the request never reached a service), with the entry's timeouts.
 *   mesh-routes          the mesh's routes, for every service another one calls (`calls`).
 *   service-clusters     one STRICT_DNS cluster per service, health-checked by gRPC.
 *
 * YAML anchors are defined where a value first appears, so what follows (and the hand-written web
 * cluster, which shares `*common-lb`) can alias it. Everything else in envoy.yaml is hand-written.
 */

/** Every service listens on this port in the cluster, behind a headless Service <name>.game.svc.cluster.local. */
const CLUSTER_GRPC_PORT = 50051;

const PREVIOUS_HOSTS = [
  'retry_host_predicate:',
  '  - name: envoy.retry_host_predicates.previous_hosts',
  '    typed_config:',
  '      "@type": type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
  'host_selection_retry_max_attempts: 3',
];

/** The catalog's services with the gRPC services of their package (game.<name>.v1), in catalog order. */
function catalogServices(registry: FileRegistry): { name: ServiceName; entry: ServiceEntry; services: DescService[] }[] {
  return SERVICE_NAMES.map((name) => {
    const services = [...registry.files]
      .filter((file) => file.proto.package === `game.${name}.v1`)
      .flatMap((file) => file.services)
      .sort((a, b) => a.typeName.localeCompare(b.typeName));
    if (services.length === 0) throw new Error(`service-catalog.ts lists ${name}, but the descriptor set has no game.${name}.v1 service`);
    return { name, entry: SERVICE_CATALOG[name] as ServiceEntry, services };
  });
}

function seconds(ms: number): string {
  return `${ms / 1000}s`;
}

function kebab(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Route names: `<service>-reads`, or `<service>-<grpc-service>-reads` when a package has several. */
function routePrefix(name: string, service: DescService, siblings: number): string {
  return siblings > 1 ? `${name}-${kebab(service.name)}` : name;
}

/** The method a mesh-only name of the catalog means, or an error naming the entry. */
function meshOnlyMethods(
  name: string,
  entry: ServiceEntry,
  services: DescService[],
): { service: DescService; method: string; reason: string }[] {
  return Object.entries(entry.meshOnly ?? {}).map(([method, reason]) => {
    const service = services.find((candidate) => candidate.methods.some((m) => m.name === method));
    if (!service) throw new Error(`service-catalog.ts: ${name}.meshOnly names ${method}, which no game.${name}.v1 service has`);
    return { service, method, reason };
  });
}

/** Tracks which anchors were written, so the first use defines one and the rest alias it. */
class Anchors {
  private readonly defined = new Set<string>();
  /** `key: &name` + body the first time, `key: *name` after. */
  use(key: string, name: string, body: () => string[]): string[] {
    if (this.defined.has(name)) return [`${key}: *${name}`];
    this.defined.add(name);
    return [`${key}: &${name}`, ...indent(body(), '  ')];
  }
}

function indent(lines: string[], by: string): string[] {
  return lines.map((line) => (line === '' ? '' : `${by}${line}`));
}

function readRetries(): string[] {
  return [
    'retry_on: unavailable,reset,connect-failure,refused-stream',
    `num_retries: ${EDGE_RETRIES.read.retries}`,
    '# Leaves time for a retry inside the route timeout.',
    `per_try_timeout: ${seconds(EDGE_RETRIES.read.perTryTimeoutMs)}`,
    'retry_back_off: { base_interval: 0.025s, max_interval: 0.25s }',
    '# A retry goes to another pod, not the one that just failed.',
    ...PREVIOUS_HOSTS,
  ];
}

function writeRetries(): string[] {
  return ['retry_on: connect-failure,refused-stream', `num_retries: ${EDGE_RETRIES.write.retries}`, ...PREVIOUS_HOSTS];
}

/** The reads route and the writes route of one gRPC service. */
function serviceRoutes(prefix: string, cluster: string, service: DescService, entry: ServiceEntry, anchors: Anchors): string[] {
  const route = (timeoutMs: number, retries: string[], first: boolean) => [
    '  route:',
    `    cluster: ${cluster}`,
    `    timeout: ${seconds(timeoutMs)}`,
    ...(first ? ["    # Honour a gRPC client's shorter deadline (grpc-timeout), never a longer one."] : []),
    `    max_stream_duration: { grpc_timeout_header_max: ${seconds(timeoutMs)} }`,
    ...indent(retries, '    '),
  ];
  const readsFirst = anchors.use('retry_policy', 'read-retries', readRetries);
  const writesFirst = anchors.use('retry_policy', 'write-retries', writeRetries);
  return [
    `- name: ${prefix}-reads`,
    `  match: { safe_regex: { regex: '/${escapeRegex(service.typeName)}/(Get|List)[A-Za-z0-9]*' } }`,
    ...route(entry.routeTimeoutMs.read, readsFirst, readsFirst.length > 1),
    `- name: ${prefix}-writes`,
    `  match: { prefix: /${service.typeName}/ }`,
    ...route(entry.routeTimeoutMs.write, writesFirst, false),
  ];
}

function transcoderServices(registry: FileRegistry): string[] {
  return catalogServices(registry)
    .filter(({ entry }) => entry.edge === 'public')
    .flatMap(({ services }) => services.map((service) => `- ${service.typeName}`));
}

/** The edge's routes; `anchors` is shared with the mesh block, which comes later in the file. */
function edgeRoutes(registry: FileRegistry, anchors: Anchors): string[] {
  const catalog = catalogServices(registry).filter(({ entry }) => entry.edge === 'public');
  const refusals = catalog.flatMap(({ name, entry, services }) =>
    meshOnlyMethods(name, entry, services).flatMap(({ service, method, reason }) => [
      `# ${method} is mesh-only (${name}'s meshOnly): refused here, reached through the mesh listener.`,
      `- name: ${name}-${kebab(method)}-is-internal`,
      `  match: { path: /${service.typeName}/${method} }`,
      '  direct_response:',
      '    status: 403',
      '    body:',
      `      inline_string: ${JSON.stringify(reason)}`,
      '',
    ]),
  );
  const routes = catalog.flatMap(({ name, entry, services }) => [
    ...(entry.routeTimeoutMs.write !== entry.routeTimeoutMs.read
      ? [`# ${name}: writes time out after ${seconds(entry.routeTimeoutMs.write)} (routeTimeoutMs in service-catalog.ts says why).`]
      : []),
    ...services.flatMap((service) => serviceRoutes(routePrefix(name, service, services.length), name, service, entry, anchors)),
    '',
  ]);
  return [...refusals, ...routes.slice(0, -1)];
}

/** The mesh's routes: for every service another one calls, its mesh-only methods, reads and writes. */
function meshRoutes(registry: FileRegistry, anchors: Anchors): string[] {
  const called = new Set(SERVICE_NAMES.flatMap((name) => Object.keys((SERVICE_CATALOG[name] as ServiceEntry).calls ?? {})));
  const unknown = [...called].filter((name) => !(SERVICE_NAMES as string[]).includes(name));
  if (unknown.length > 0) throw new Error(`service-catalog.ts: calls names ${unknown.join(', ')}, which the catalog does not list`);
  return catalogServices(registry)
    .filter(({ name }) => called.has(name))
    .flatMap(({ name, entry, services }) => [
      ...meshOnlyMethods(name, entry, services).flatMap(({ service, method }) => [
        `- name: ${name}-${kebab(method)}`,
        `  match: { path: /${service.typeName}/${method} }`,
        '  route:',
        `    cluster: ${name}`,
        `    timeout: ${seconds(MESH_ONLY_ROUTE.timeoutMs)}`,
        `    max_stream_duration: { grpc_timeout_header_max: ${seconds(MESH_ONLY_ROUTE.timeoutMs)} }`,
        '    retry_policy:',
        '      retry_on: unavailable,reset,connect-failure,refused-stream',
        `      num_retries: ${MESH_ONLY_ROUTE.retries}`,
        '      retry_back_off: { base_interval: 0.025s, max_interval: 0.1s }',
        ...indent(PREVIOUS_HOSTS, '      '),
      ]),
      ...services.flatMap((service) => serviceRoutes(routePrefix(name, service, services.length), name, service, entry, anchors)),
    ]);
}

function http2Options(): string[] {
  return [
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions:',
    '  "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
    '  # gRPC is HTTP/2 (cleartext, prior knowledge) end to end; gRPC health checks need it too.',
    '  explicit_http_config:',
    '    http2_protocol_options:',
    "      # Finds a dead pod's connection (node lost, no RST) in seconds.",
    '      connection_keepalive: { interval: 30s, timeout: 5s }',
  ];
}

function allFailuresEjection(): string[] {
  return [
    '# Failures seen on real traffic eject a pod between health checks. A gRPC error travels in',
    '# an HTTP 200, so only a grpc-status in a trailers-only response (what grpc-js sends for',
    '# callback(err)) counts, mapped to HTTP: UNAVAILABLE 503 and DEADLINE_EXCEEDED 504 are',
    '# gateway failures, INTERNAL/UNKNOWN/DATA_LOSS 500 are 5xx; business errors (NOT_FOUND',
    '# 404, RESOURCE_EXHAUSTED 429, ...) never count. Connect failures, resets and timeouts',
    '# count as gateway failures too. The gateway-failure detector only ejects when enforced',
    '# (enforcing_consecutive_gateway_failure defaults to 0), hence the 100.',
    'consecutive_gateway_failure: 3',
    'enforcing_consecutive_gateway_failure: 100',
    'consecutive_5xx: 5',
    'enforcing_consecutive_5xx: 100',
    'interval: 5s',
    'base_ejection_time: 15s',
    '# Never eject more than half: when every pod fails (e.g. its database is down), ejecting',
    '# them all would turn a partial outage into a total one. A single pod can still be ejected.',
    'max_ejection_percent: 50',
  ];
}

function localOriginEjection(name: string): string[] {
  return [
    `# Ejection: local-origin (${name}'s entry in service-catalog.ts says why). Answers from the pod`,
    '# are not counted (split_external_local_origin_errors); what the pod itself fails at -',
    '# connections refused, resets, timeouts - still ejects it, and the gRPC health check covers a',
    '# pod that answers NOT_SERVING.',
    'outlier_detection:',
    '  split_external_local_origin_errors: true',
    '  consecutive_local_origin_failure: 3',
    '  enforcing_consecutive_local_origin_failure: 100',
    '  consecutive_gateway_failure: 3',
    '  enforcing_consecutive_gateway_failure: 0',
    '  consecutive_5xx: 5',
    '  enforcing_consecutive_5xx: 0',
    '  interval: 5s',
    '  base_ejection_time: 15s',
    '  max_ejection_percent: 50',
  ];
}

function limits(values: ServiceEntry['clusterLimits'] & object, explained: boolean): string[] {
  return [
    'thresholds:',
    '  - priority: DEFAULT',
    ...(explained
      ? [
          '    # HTTP/2 multiplexes: a handful of connections per pod carry everything; max_requests is',
          '    # the real concurrency cap. Past a limit Envoy fails fast with UNAVAILABLE instead of',
          "    # queueing, which is what a caller's retry/breaker logic needs to see.",
        ]
      : []),
    `    max_connections: ${values.maxConnections}`,
    `    max_pending_requests: ${values.maxPendingRequests}`,
    `    max_requests: ${values.maxRequests}`,
    ...(explained ? ['    # Retries in flight at once: retries must not become a storm when a service falters.'] : []),
    `    max_retries: ${values.maxRetries}`,
    '    track_remaining: true',
  ];
}

function commonLb(): string[] {
  return [
    '# With two or three pods, "panic" (sending to every pod once too many are unhealthy)',
    '# would route to the very pods that fail health checks. Fail fast instead.',
    'healthy_panic_threshold: { value: 0 }',
  ];
}

function serviceClusters(registry: FileRegistry): string[] {
  const anchors = new Anchors();
  return catalogServices(registry).flatMap(({ name, entry, services }, index) => {
    const first = index === 0;
    const ejection =
      entry.ejection === 'local-origin'
        ? localOriginEjection(name)
        : anchors.use('outlier_detection', 'outlier-detection', allFailuresEjection);
    const breakers = entry.clusterLimits
      ? [
          `# Tighter connection limits than the others (${name}'s clusterLimits in service-catalog.ts says why).`,
          'circuit_breakers:',
          ...indent(limits(entry.clusterLimits, false), '  '),
        ]
      : anchors.use('circuit_breakers', 'circuit-breakers', () => limits(DEFAULT_CLUSTER_LIMITS, true));
    const cluster = [
      `name: ${name}`,
      'type: STRICT_DNS',
      ...(first ? ['# Pods get IPv4 addresses; asking for AAAA first only adds a lookup.'] : []),
      'dns_lookup_family: V4_ONLY',
      ...(first ? ['# New pods of a rollout are found within seconds, not at the DNS TTL.'] : []),
      'dns_refresh_rate: 5s',
      'connect_timeout: 1s',
      'lb_policy: LEAST_REQUEST',
      ...(first
        ? [
            '# A pod that leaves DNS (not ready, terminating) leaves the load balancer at once, instead',
            '# of staying until its health checks fail.',
          ]
        : []),
      'ignore_health_on_host_removal: true',
      ...anchors.use('typed_extension_protocol_options', 'http2', http2Options),
      'load_assignment:',
      `  cluster_name: ${name}`,
      '  endpoints:',
      '    - lb_endpoints:',
      '        - endpoint:',
      '            address:',
      `              socket_address: { address: ${name}.game.svc.cluster.local, port_value: ${CLUSTER_GRPC_PORT} }`,
      'health_checks:',
      '  - timeout: 1s',
      '    interval: 5s',
      ...(first ? ['    # An idle cluster still notices a dead pod within 10 s (the default is 60 s).'] : []),
      '    no_traffic_interval: 10s',
      '    unhealthy_threshold: 2',
      '    healthy_threshold: 1',
      ...(first ? ['    # A pod is in rotation only once grpc.health.v1 says SERVING for its service.'] : []),
      `    grpc_health_check: { service_name: ${services[0]!.typeName} }`,
      ...ejection,
      ...breakers,
      ...anchors.use('common_lb_config', 'common-lb', commonLb),
    ];
    return [...(first ? [] : ['']), `- ${cluster[0]}`, ...indent(cluster.slice(1), '  ')];
  });
}

/** Every block this module renders, by the name its BEGIN GENERATED marker gives it. */
export function envoyServiceBlocks(registry: FileRegistry): Record<string, string[]> {
  // The edge's routes come before the mesh's in envoy.yaml: they define the retry anchors.
  const routeAnchors = new Anchors();
  return {
    'transcoder-services': transcoderServices(registry),
    'edge-routes': edgeRoutes(registry, routeAnchors),
    'mesh-routes': meshRoutes(registry, routeAnchors),
    'service-clusters': serviceClusters(registry),
  };
}
