import {
  type DescMethod,
  type FileRegistry,
  fromJson,
  getOption,
  hasOption,
  type JsonObject,
  type JsonValue,
  toJson,
} from '@bufbuild/protobuf';
import { reflect } from '@bufbuild/protobuf/reflect';
import { parse } from 'yaml';
import { envoyApiRegistry } from './envoy-api-registry.js';
import { PgvValidator } from './pgv-validator.js';

/**
 * An Envoy bootstrap checked offline, as far as Envoy itself would check it at start. It exists
 * because these machines have no Envoy binary (`envoy --mode validate` is the real check): the
 * schema step is Envoy's own API parsed by @bufbuild/protobuf, the rest is kept to what Envoy
 * refuses at start.
 * 1. strict parse as envoy.config.bootstrap.v3.Bootstrap (unknown fields and unknown Any types
 *    refused, typed_config resolved by @type, recursively);
 * 2. the PGV rules of every field reached (see pgv-validator.ts), deprecated fields included;
 * 3. the cross-references Envoy resolves at start: route -> cluster, transcoder -> descriptor set
 *    and service (and a route for each of its methods), no two methods on one REST verb + path,
 *    gRPC health check -> HTTP/2 cluster, unique listener names and addresses, unique cluster
 *    names, the router as the last HTTP filter, unique virtual host domains, retry_on
 *    conditions Envoy knows (a typo there silently disables the retry), and per-route filter
 *    configs keyed by an HTTP filter of the same connection manager (Envoy refuses a name it has
 *    no filter for; one this listener does not run would configure, or disable, nothing).
 */

export interface EnvoyConfigCheckOptions {
  /** The files the deployment mounts into the Envoy container: container path -> descriptor set. */
  descriptorSets: Readonly<Record<string, FileRegistry>>;
}

export interface EnvoyConfigCheck {
  /** Every problem found, each naming where; empty when the config is good. */
  problems: string[];
  /** The parsed config in proto3 JSON form (lowerCamelCase names, typed_config with "@type"). */
  config?: JsonObject;
}

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';
const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const TRANSCODER = 'type.googleapis.com/envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
/** Envoy's retry_on vocabulary (router: x-envoy-retry-on and x-envoy-retry-grpc-on). */
const RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'envoy-ratelimited',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

/** Checks a config given as YAML text or as the value YAML parses to. */
export function checkEnvoyConfig(source: string | unknown, options: EnvoyConfigCheckOptions): EnvoyConfigCheck {
  let document: unknown;
  try {
    document = typeof source === 'string' ? parse(source) : source;
  } catch (error) {
    return { problems: [`YAML: ${(error as Error).message}`] };
  }

  const registry = envoyApiRegistry();
  const schema = registry.getMessage(BOOTSTRAP);
  if (!schema) throw new Error(`${BOOTSTRAP} is not in the Envoy API registry`);
  let bootstrap: ReturnType<typeof fromJson>;
  try {
    bootstrap = fromJson(schema, document as JsonValue, { registry });
  } catch (error) {
    return { problems: [`schema: ${(error as Error).message}${whereSchemaErrorIs(document, (error as Error).message)}`] };
  }

  const problems = new PgvValidator(registry).validate(reflect(schema, bootstrap)).map((v) => `${v.path}: ${v.message}`);
  const config = toJson(schema, bootstrap, { registry }) as JsonObject;
  problems.push(...crossReferenceProblems(config, options));
  return { problems, config };
}

function crossReferenceProblems(config: JsonObject, options: EnvoyConfigCheckOptions): string[] {
  const problems: string[] = [];
  const staticResources = object(config.staticResources);
  const listeners = list(staticResources?.listeners).map(object).filter(isDefined);
  const clusters = list(staticResources?.clusters).map(object).filter(isDefined);

  const clusterNames = new Set<string>();
  for (const cluster of clusters) {
    const name = String(cluster.name ?? '');
    if (clusterNames.has(name)) problems.push(`cluster ${name}: the name is used by another cluster`);
    clusterNames.add(name);
  }

  const listenerNames = new Set<string>();
  const listenerAddresses = new Map<string, string>();
  for (const listener of listeners) {
    const name = String(listener.name ?? '');
    if (listenerNames.has(name)) problems.push(`listener ${name}: the name is used by another listener`);
    listenerNames.add(name);
    const socket = object(object(listener.address)?.socketAddress);
    if (socket) {
      const address = `${String(socket.address)}:${String(socket.portValue ?? 0)}`;
      const other = listenerAddresses.get(address);
      if (other !== undefined) problems.push(`listener ${name}: ${address} is already bound by listener ${other}`);
      listenerAddresses.set(address, name);
    }
    for (const hcm of connectionManagers(listener)) problems.push(...connectionManagerProblems(name, hcm, clusterNames, options));
  }

  for (const cluster of clusters) {
    const usesGrpcHealthCheck = list(cluster.healthChecks).some((check) => object(check)?.grpcHealthCheck !== undefined);
    if (usesGrpcHealthCheck && !speaksHttp2(cluster)) {
      problems.push(
        `cluster ${String(cluster.name)}: a gRPC health check needs an HTTP/2 cluster, and this one speaks HTTP/1.1 ` +
          `(set typed_extension_protocol_options.${HTTP_PROTOCOL_OPTIONS}.explicit_http_config.http2_protocol_options)`,
      );
    }
  }
  return problems;
}

function connectionManagerProblems(
  listener: string,
  hcm: JsonObject,
  clusterNames: Set<string>,
  options: EnvoyConfigCheckOptions,
): string[] {
  const problems: string[] = [];
  const where = `listener ${listener}`;
  const filters = list(hcm.httpFilters).map(object).filter(isDefined);
  filters.forEach((filter, index) => {
    const isRouter = object(filter.typedConfig)?.['@type'] === ROUTER;
    const last = index === filters.length - 1;
    if (isRouter && !last)
      problems.push(`${where}: the router must be the last HTTP filter, ${String(filters[index + 1]?.name)} follows it`);
    if (last && !isRouter)
      problems.push(`${where}: the last HTTP filter must be the router (a terminal filter), not ${String(filter.name)}`);
  });

  const routeConfig = object(hcm.routeConfig);
  const virtualHosts = list(routeConfig?.virtualHosts).map(object).filter(isDefined);
  const filterNames = new Set(filters.map((filter) => String(filter.name)));
  const perFilterConfigProblems = (owner: string, configs: unknown) =>
    Object.keys(object(configs) ?? {})
      .filter((name) => !filterNames.has(name))
      .map((name) => `${owner}: typed_per_filter_config names ${name}, which is not an HTTP filter of this listener`);
  const domains = new Set<string>();
  for (const host of virtualHosts) {
    for (const domain of list(host.domains).map(String)) {
      if (domains.has(domain)) problems.push(`${where}: domain ${domain} appears in more than one virtual host`);
      domains.add(domain);
    }
    problems.push(...perFilterConfigProblems(`${where}, virtual host ${String(host.name)}`, host.typedPerFilterConfig));
    for (const route of list(host.routes).map(object).filter(isDefined)) {
      const routeName = `${where}, route ${String(route.name ?? JSON.stringify(route.match))}`;
      problems.push(...perFilterConfigProblems(routeName, route.typedPerFilterConfig));
      const action = object(route.route);
      if (!action) continue;
      const targets =
        action.cluster !== undefined
          ? [String(action.cluster)]
          : list(object(action.weightedClusters)?.clusters).map((c) => String(object(c)?.name));
      for (const target of targets) {
        if (!clusterNames.has(target)) problems.push(`${routeName}: cluster ${target} does not exist`);
      }
      for (const condition of String(object(action.retryPolicy)?.retryOn ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean)) {
        if (!RETRY_ON.has(condition)) problems.push(`${routeName}: retry_on ${condition} is not a condition Envoy knows`);
      }
    }
  }

  for (const filter of filters) {
    const transcoder = object(filter.typedConfig);
    if (transcoder?.['@type'] !== TRANSCODER) continue;
    const descriptorPath = String(transcoder.protoDescriptor ?? '');
    const descriptors = options.descriptorSets[descriptorPath];
    if (!descriptors) {
      problems.push(`${where}: the transcoder reads ${descriptorPath || '(an inline descriptor)'}, which the deployment does not provide`);
      continue;
    }
    const bindings = new Map<string, string>();
    for (const serviceName of list(transcoder.services).map(String)) {
      const service = descriptors.getService(serviceName);
      if (!service) {
        problems.push(`${where}: the transcoder serves ${serviceName}, which is not in the descriptor set ${descriptorPath}`);
        continue;
      }
      for (const method of service.methods) {
        const path = `/${service.typeName}/${method.name}`;
        if (!routeFor(routeConfig, path)) problems.push(`${where}: no route for ${path}, which the transcoder produces`);
        // Envoy refuses to start when two methods claim the same verb and path template.
        for (const binding of httpBindings(descriptors, method)) {
          const other = bindings.get(binding);
          if (other !== undefined) problems.push(`${where}: ${binding} is mapped by both ${other} and ${path}`);
          bindings.set(binding, path);
        }
      }
    }
  }
  return problems;
}

/** The HTTP connection managers of a listener (their typed_config, in proto3 JSON form). */
export function connectionManagers(listener: JsonObject): JsonObject[] {
  return list(listener.filterChains)
    .flatMap((chain) => list(object(chain)?.filters))
    .map((filter) => object(object(filter)?.typedConfig))
    .filter((config): config is JsonObject => config?.['@type'] === HCM);
}

/** The typed_config of the first HTTP filter of this @type in a connection manager. */
export function httpFilterConfig(hcm: JsonObject, typeUrl: string): JsonObject | undefined {
  return list(hcm.httpFilters)
    .map((filter) => object(object(filter)?.typedConfig))
    .find((config) => config?.['@type'] === typeUrl);
}

/**
 * The route Envoy picks for a request path, the first whose path condition matches (prefix, exact
 * path or RE2 full match), in the first virtual host (the configs here have one, for every domain).
 * Given a method, conditions on the :method header are applied too (exact, prefix or RE2 full
 * match, inverted or not). Other header, query and runtime conditions are not modelled: a route
 * with them counts as matching.
 */
export function routeFor(routeConfig: JsonObject | undefined, path: string, method?: string): JsonObject | undefined {
  const host = object(list(routeConfig?.virtualHosts)[0]);
  for (const route of list(host?.routes).map(object).filter(isDefined)) {
    const match = object(route.match) ?? {};
    if (method !== undefined && !methodMatches(match, method)) continue;
    const caseSensitive = match.caseSensitive !== false;
    const subject = caseSensitive ? path : path.toLowerCase();
    const fold = (text: string) => (caseSensitive ? text : text.toLowerCase());
    if (typeof match.prefix === 'string' && subject.startsWith(fold(match.prefix))) return route;
    if (typeof match.path === 'string' && subject === fold(match.path)) return route;
    const regex = object(match.safeRegex)?.regex;
    if (typeof regex === 'string' && new RegExp(`^(?:${regex})$`, caseSensitive ? '' : 'i').test(path)) return route;
  }
  return undefined;
}

function methodMatches(match: JsonObject, method: string): boolean {
  return list(match.headers)
    .map(object)
    .filter((header) => header?.name === ':method')
    .every((header) => {
      const condition = object(header!.stringMatch) ?? {};
      const regex = object(condition.safeRegex)?.regex;
      let matched = true;
      if (typeof condition.exact === 'string') matched = method === condition.exact;
      else if (typeof condition.prefix === 'string') matched = method.startsWith(condition.prefix);
      else if (typeof regex === 'string') matched = new RegExp(`^(?:${regex})$`).test(method);
      return header!.invertMatch === true ? !matched : matched;
    });
}

/** The REST bindings (google.api.http) of a method as "VERB /path/template", variables as {}. */
export function httpBindings(descriptors: FileRegistry, method: DescMethod): string[] {
  const extension = descriptors.getExtension('google.api.http');
  const ruleSchema = descriptors.getMessage('google.api.HttpRule');
  if (!extension || !ruleSchema || !hasOption(method, extension)) return [];
  const rule = toJson(ruleSchema, getOption(method, extension) as never) as JsonObject;
  return [rule, ...list(rule.additionalBindings).map(object).filter(isDefined)].map(binding).filter(isDefined);
}

function binding(rule: JsonObject): string | undefined {
  const template = (verb: string, path: unknown) => `${verb.toUpperCase()} ${String(path).replace(/\{[^}]*\}/g, '{}')}`;
  const custom = object(rule.custom);
  if (custom) return template(String(custom.kind), custom.path);
  const verb = ['get', 'put', 'post', 'delete', 'patch'].find((v) => typeof rule[v] === 'string');
  return verb ? template(verb, rule[verb]) : undefined;
}

function speaksHttp2(cluster: JsonObject): boolean {
  if (cluster.http2ProtocolOptions !== undefined) return true;
  const options = object(object(cluster.typedExtensionProtocolOptions)?.[HTTP_PROTOCOL_OPTIONS]);
  if (!options) return false;
  return (
    object(options.explicitHttpConfig)?.http2ProtocolOptions !== undefined ||
    object(options.useDownstreamProtocolConfig)?.http2ProtocolOptions !== undefined ||
    // ALPN picks h2 where the upstream offers it.
    options.autoConfig !== undefined
  );
}

/**
 * @bufbuild/protobuf names the message and the key, not where it is: find the key (or the unknown
 * type) in the document so the message says which listener or cluster to look at.
 */
function whereSchemaErrorIs(document: unknown, message: string): string {
  const unknownKey = /key "([^"]+)" is unknown/.exec(message)?.[1];
  const unknownType = /(type\.googleapis\.com\/\S+) is not in the type registry/.exec(message)?.[1];
  const found = findPath(document, '', (key, value) =>
    unknownKey !== undefined ? key === unknownKey : key === '@type' && value === unknownType,
  );
  return found ? ` (at ${found})` : '';
}

function findPath(node: unknown, path: string, matches: (key: string, value: unknown) => boolean): string | undefined {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) {
      const found = findPath(item, `${path}[${index}]`, matches);
      if (found) return found;
    }
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const here = path ? `${path}.${key}` : key;
      if (matches(key, value)) return here;
      const found = findPath(value, here, matches);
      if (found) return found;
    }
  }
  return undefined;
}

export function object(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export function list(value: unknown): JsonValue[] {
  return Array.isArray(value) ? (value as JsonValue[]) : [];
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
