import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileRegistry, type DescService, type FileRegistry, fromBinary, type JsonObject } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { expect } from 'chai';
import { parse } from 'yaml';
import { readWebConfig } from '../../services/web/server/web-config.js';
import { HEALTH_PATH, KEEP_ALIVE_TIMEOUT_MS } from '../../services/web/server/web-server.js';
import { REPO_ROOT } from './support/envoy-api-registry.js';
import {
  checkEnvoyConfig,
  connectionManagers,
  httpBindings,
  httpFilterConfig,
  list,
  object,
  routeFor,
} from './support/envoy-config-check.js';

/**
 * envoy/envoy.yaml, checked offline as Envoy would check it at start (there is no Envoy binary
 * here): strictly parsed against Envoy's own v3 API, its PGV rules applied, its cross-references
 * resolved (support/envoy-config-check.ts); then what the platform needs from it.
 */

const ENVOY_YAML = join(REPO_ROOT, 'envoy/envoy.yaml');
const OUR_DESCRIPTOR_SET = join(REPO_ROOT, 'services/contracts/generated/descriptor-set.binpb');
/** Where the deployment (k8s/) mounts the descriptor set built by `npm run gen:envoy`. */
const MOUNTED_DESCRIPTOR_SET = '/etc/envoy/descriptor-set.binpb';

const TYPE = 'type.googleapis.com/envoy.extensions.filters.http';
const BUFFER = `${TYPE}.buffer.v3.Buffer`;
const LUA = `${TYPE}.lua.v3.Lua`;
const JWT_AUTHN = `${TYPE}.jwt_authn.v3.JwtAuthentication`;
const RBAC = `${TYPE}.rbac.v3.RBAC`;
const LOCAL_RATE_LIMIT = `${TYPE}.local_ratelimit.v3.LocalRateLimit`;
const TRANSCODER = `${TYPE}.grpc_json_transcoder.v3.GrpcJsonTranscoder`;
const ROUTER = `${TYPE}.router.v3.Router`;
const RESERVE_GIFT = '/game.gift.v1.GiftService/ReserveGift';
const FILTER_CONFIG = 'type.googleapis.com/envoy.config.route.v3.FilterConfig';
/** The My Page front end's cluster (services/web/server, Deployment and headless Service web). */
const WEB_CLUSTER = 'web';
/** The OpenID Connect provider whose keys jwt_authn fetches (the kind overlay's Deployment identity). */
const IDENTITY_CLUSTER = 'identity';
/** What the browser asks the edge for (services/web/build.ts writes these; assets/ are hashed). */
const WEB_PATHS = ['/', '/index.html', '/styles.css', '/auth/config.json', '/assets/app-4KQ2ZC7N.js', '/assets/app-4KQ2ZC7N.js.map'];
/** Retry conditions that prove the request never reached a service (nothing to repeat). */
const NEVER_DELIVERED = new Set(['connect-failure', 'refused-stream']);

describe('Envoy config (envoy/envoy.yaml), checked offline against Envoy v3 API', function () {
  this.timeout(60_000);

  let yamlText: string;
  let ours: FileRegistry;
  let config: JsonObject;
  const options = () => ({ descriptorSets: { [MOUNTED_DESCRIPTOR_SET]: ours } });

  before(() => {
    yamlText = readFileSync(ENVOY_YAML, 'utf8');
    ours = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(OUR_DESCRIPTOR_SET)));
    const checked = checkEnvoyConfig(yamlText, options());
    if (!checked.config) throw new Error(`envoy.yaml does not parse: ${checked.problems.join('; ')}`);
    config = checked.config;
  });

  const services = () => [...ours].filter((type): type is DescService => type.kind === 'service');
  const publicServices = () => services().filter((service) => isPublicPackage(service.file.proto.package ?? ''));
  const listener = (name: string) => {
    const found = list(object(config.staticResources)?.listeners)
      .map(object)
      .find((l) => l?.name === name);
    if (!found) throw new Error(`no listener ${name}`);
    return found;
  };
  const hcm = (listenerName: string) => connectionManagers(listener(listenerName))[0]!;
  const routes = (listenerName: string) => object(hcm(listenerName).routeConfig);
  const allClusters = () => list(object(config.staticResources)?.clusters).map((c) => object(c)!);
  // gRPC service clusters: not envoy_admin (Envoy's own admin interface behind the readiness
  // listener), web (the HTTP/1.1 front end, checked on its own below) nor identity (the keys).
  const clusters = () => allClusters().filter((c) => c.name !== 'envoy_admin' && c.name !== WEB_CLUSTER && c.name !== IDENTITY_CLUSTER);
  const webCluster = () => allClusters().find((c) => c.name === WEB_CLUSTER);
  const transcoder = () => httpFilterConfig(hcm('edge'), TRANSCODER)!;
  /** The name the edge's connection manager gives the transcoder (what per-route configs key on). */
  const transcoderFilterName = () =>
    String(
      object(
        list(hcm('edge').httpFilters)
          .map(object)
          .find((f) => object(f?.typedConfig)?.['@type'] === TRANSCODER),
      )?.name,
    );
  /** Whether a route takes the transcoder out of the filter chain of the requests it matches first. */
  const disablesTranscoder = (route: JsonObject | undefined) => {
    const perFilter = object(object(route?.typedPerFilterConfig)?.[transcoderFilterName()]);
    return perFilter?.['@type'] === FILTER_CONFIG && perFilter.disabled === true;
  };

  it('envoy.yaml passes the strict schema, every PGV rule and the start-up cross-references', () => {
    expect(checkEnvoyConfig(yamlText, options()).problems).to.deep.equal([]);
  });

  it('every public gRPC service in proto/ is served by Envoy: transcoded, routed on the edge, with its own cluster', () => {
    const found = publicServices();
    expect(found.map((s) => s.typeName)).to.include.members(['game.mission.v1.MissionService', 'game.wallet.v1.WalletService']);
    const transcoded = list(transcoder().services);
    for (const service of found) {
      const context = service.typeName.split('.')[1]!;
      expect(transcoded, `transcoder services`).to.include(service.typeName);

      for (const method of service.methods) {
        const path = `/${service.typeName}/${method.name}`;
        const route = routeFor(routes('edge'), path);
        expect(route, `edge route for ${path}`).to.not.equal(undefined);
        if (path !== RESERVE_GIFT) expect(object(route!.route)?.cluster, `cluster of ${path}`).to.equal(context);
      }

      const cluster = clusters().find((c) => c.name === context);
      expect(cluster, `cluster ${context}`).to.not.equal(undefined);
      expect(cluster!.type).to.equal('STRICT_DNS');
      const endpoints = list(object(cluster!.loadAssignment)?.endpoints).flatMap((e) => list(object(e)?.lbEndpoints));
      const addresses = endpoints.map((e) => object(object(object(object(e)?.endpoint)?.address)?.socketAddress));
      expect(addresses.map((a) => `${String(a?.address)}:${String(a?.portValue)}`)).to.deep.equal([
        `${context}.game.svc.cluster.local:50051`,
      ]);
      const healthCheck = object(object(list(cluster!.healthChecks)[0])?.grpcHealthCheck);
      expect(healthCheck?.serviceName, `health-checked service of cluster ${context}`).to.equal(service.typeName);
    }
  });

  it('the edge exposes no internal API: game.platform.v1 is neither transcoded nor routed', () => {
    const transcoded = list(transcoder().services).map(String);
    const publicNames = publicServices().map((s) => s.typeName);
    expect(transcoded.filter((name) => !publicNames.includes(name))).to.deep.equal([]);
    for (const service of services().filter((s) => s.file.proto.package === 'game.platform.v1')) {
      for (const method of service.methods) {
        expect(routeFor(routes('edge'), `/${service.typeName}/${method.name}`), method.name).to.equal(undefined);
      }
    }
  });

  it('ReserveGift is refused at the edge with 403 (REST and gRPC) and reaches gift through the mesh with retries', () => {
    const refused = routeFor(routes('edge'), RESERVE_GIFT)!;
    const response = object(refused.directResponse)!;
    expect(response.status).to.equal(403);
    // The router answers a gRPC request (a transcoded one included) with grpc-status 7 and this
    // text as grpc-message; the transcoder turns that into {"code":7,"message":<text>,"details":[]}.
    expect(String(object(response.body)?.inlineString)).to.match(/^ReserveGift is internal/);

    const mesh = routeFor(routes('mesh'), RESERVE_GIFT)!;
    const action = object(mesh.route)!;
    expect(action.cluster).to.equal('gift');
    expect(action.timeout).to.be.a('string');
    const retries = object(action.retryPolicy)!;
    expect(String(retries.retryOn).split(',')).to.include('unavailable');
    expect(retries.numRetries).to.be.greaterThan(0);
    expect(list(listener('mesh').filterChains)).to.have.length(1);
    expect(hcm('mesh').codecType).to.equal('HTTP2');
  });

  it('the edge retries every read (Get*/List*) on UNAVAILABLE but never a write that may have reached a service', () => {
    for (const service of publicServices()) {
      for (const method of service.methods) {
        const path = `/${service.typeName}/${method.name}`;
        const route = routeFor(routes('edge'), path)!;
        if (route.directResponse) continue;
        const action = object(route.route)!;
        expect(action.timeout, `timeout of ${path}`).to.be.a('string');
        const retryOn = String(object(action.retryPolicy)?.retryOn ?? '')
          .split(',')
          .filter(Boolean);
        if (/^(Get|List)/.test(method.name)) {
          expect(retryOn, `retries of ${path}`).to.include('unavailable');
        } else {
          expect(
            retryOn.filter((condition) => !NEVER_DELIVERED.has(condition)),
            `retries of ${path}`,
          ).to.deep.equal([]);
        }
      }
    }
    // Nor can a client ask for retries: x-envoy-* control headers are stripped from external
    // requests, and only loopback counts as internal.
    expect(object(hcm('edge').internalAddressConfig)?.cidrRanges).to.deep.equal([{ addressPrefix: '127.0.0.1', prefixLen: 32 }]);
  });

  it('the edge caps request bodies at 64 KiB and transcodes REST with proto3 JSON, zero values and google.rpc.Status errors', () => {
    const socket = object(object(listener('edge').address)?.socketAddress);
    expect(`${String(socket?.address)}:${String(socket?.portValue)}`).to.equal('0.0.0.0:8080');
    const filters = list(hcm('edge').httpFilters).map((f) => String(object(object(f)?.typedConfig)?.['@type']));
    // Identity headers go first; token, role and rate limit after the transcoder (gRPC paths), before the router.
    expect(filters).to.deep.equal([LUA, BUFFER, TRANSCODER, JWT_AUTHN, RBAC, LOCAL_RATE_LIMIT, ROUTER]);
    expect(httpFilterConfig(hcm('edge'), BUFFER)?.maxRequestBytes).to.equal(65536);

    const t = transcoder();
    expect(t.protoDescriptor).to.equal(MOUNTED_DESCRIPTOR_SET);
    expect(t.convertGrpcStatus).to.equal(true);
    expect(object(t.printOptions)?.alwaysPrintPrimitiveFields).to.equal(true);
    expect(object(t.printOptions)?.preserveProtoFieldNames ?? false).to.equal(false);
    expect(object(t.requestValidationOptions)).to.deep.equal({ rejectUnknownMethod: true, rejectUnknownQueryParameters: true });

    const admin = object(object(config.admin)?.address)?.socketAddress;
    expect(admin).to.deep.equal({ address: '127.0.0.1', portValue: 9901 });
  });

  it('the stats listener (:9903) serves only GET /stats/prometheus, from the loopback-only admin interface', () => {
    const socket = object(object(listener('stats').address)?.socketAddress);
    expect(`${String(socket?.address)}:${String(socket?.portValue)}`).to.equal('0.0.0.0:9903');
    const table = routes('stats');
    expect(object(routeFor(table, '/stats/prometheus', 'GET')?.route)?.cluster).to.equal('envoy_admin');
    for (const [path, method] of [
      ['/stats/prometheus', 'POST'],
      ['/stats', 'GET'],
      ['/config_dump', 'GET'],
      ['/quitquitquit', 'POST'],
      ['/ready', 'GET'],
    ]) {
      expect(object(routeFor(table, path, method)?.directResponse)?.status, `${method} ${path}`).to.equal(404);
    }
    const adminCluster = list(object(config.staticResources)?.clusters)
      .map(object)
      .find((cluster) => cluster?.name === 'envoy_admin');
    expect(JSON.stringify(adminCluster)).to.include('127.0.0.1').and.to.include('9901');
  });

  it("Envoy's own REST replies (404, 400, 413) carry the same JSON error body as the embedded gateway's", () => {
    const mappers = list(object(hcm('edge').localReplyConfig)?.mappers).map((m) => object(m)!);
    const byStatus = new Map(
      mappers.map((mapper) => {
        const filters = list(object(object(mapper.filter)?.andFilter)?.filters).map((f) => object(f)!);
        const status = Number(object(object(object(filters[0]?.statusCodeFilter)?.comparison)?.value)?.defaultValue);
        const notGrpc = object(object(filters[1]?.headerFilter)?.header);
        expect(notGrpc, 'gRPC requests keep trailers-only statuses').to.deep.include({ name: 'content-type', invertMatch: true });
        return [status, object(object(mapper.bodyFormatOverride)?.jsonFormat)];
      }),
    );
    expect(byStatus.get(404)).to.deep.equal({ code: 5, message: '%LOCAL_REPLY_BODY%', details: [] });
    expect(byStatus.get(400)).to.deep.equal({ code: 3, message: '%LOCAL_REPLY_BODY%', details: [] });
    expect(byStatus.get(413)).to.deep.equal({ code: 8, message: '%LOCAL_REPLY_BODY%', details: [] });
  });

  it('every cluster health-checks each pod over gRPC on HTTP/2, ejects failing pods, caps load and never panics', () => {
    // No cluster escapes the checks: each is a service's, the front end's or the admin's.
    const contexts = publicServices().map((service) => service.typeName.split('.')[1]!);
    expect(
      allClusters()
        .map((c) => String(c.name))
        .sort(),
    ).to.deep.equal([...new Set(contexts), WEB_CLUSTER, IDENTITY_CLUSTER, 'envoy_admin'].sort());
    for (const cluster of clusters()) {
      const name = String(cluster.name);
      const http2 = object(
        object(object(cluster.typedExtensionProtocolOptions)?.['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'])
          ?.explicitHttpConfig,
      );
      expect(http2?.http2ProtocolOptions, `${name} speaks HTTP/2`).to.not.equal(undefined);
      expect(cluster.connectTimeout, `${name} connect timeout`).to.be.a('string');

      const outlier = object(cluster.outlierDetection)!;
      const ejectsOnGrpcFailures = outlier.enforcingConsecutiveGatewayFailure === 100 && Number(outlier.consecutiveGatewayFailure) > 0;
      // The wallet's UNAVAILABLE is its "gift shop busy" answer, not a sick pod: only failures the
      // pod itself causes (refused connections, resets, timeouts) eject it.
      const ejectsOnLocalFailures =
        outlier.splitExternalLocalOriginErrors === true && outlier.enforcingConsecutiveLocalOriginFailure === 100;
      expect(ejectsOnGrpcFailures || (name === 'wallet' && ejectsOnLocalFailures), `${name} ejects failing pods`).to.equal(true);
      expect(outlier.baseEjectionTime, `${name} base ejection time`).to.be.a('string');
      expect(outlier.maxEjectionPercent, `${name} max ejection percent`).to.be.within(1, 100);

      const thresholds = object(list(object(cluster.circuitBreakers)?.thresholds)[0])!;
      for (const limit of ['maxConnections', 'maxPendingRequests', 'maxRequests', 'maxRetries']) {
        expect(thresholds[limit], `${name} ${limit}`).to.be.a('number');
      }
      const panic = object(object(cluster.commonLbConfig)?.healthyPanicThreshold);
      expect(panic, `${name} healthy_panic_threshold`).to.not.equal(undefined);
      expect(panic!.value ?? 0, `${name} healthy_panic_threshold`).to.equal(0);
    }
  });

  it('the web cluster reaches every front-end pod over HTTP/1.1 on the port it listens on, health-checks /healthz, ejects failing pods, caps load and never panics', () => {
    const cluster = webCluster();
    expect(cluster, 'cluster web').to.not.equal(undefined);
    expect(cluster!.type).to.equal('STRICT_DNS');
    expect(cluster!.connectTimeout).to.be.a('string');
    const endpoints = list(object(cluster!.loadAssignment)?.endpoints).flatMap((e) => list(object(e)?.lbEndpoints));
    const addresses = endpoints.map((e) => object(object(object(object(e)?.endpoint)?.address)?.socketAddress));
    expect(addresses.map((a) => `${String(a?.address)}:${String(a?.portValue)}`)).to.deep.equal([
      `web.game.svc.cluster.local:${readWebConfig({}).port}`,
    ]);

    const protocol = object(object(cluster!.typedExtensionProtocolOptions)?.['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']);
    expect(object(protocol?.explicitHttpConfig), 'speaks HTTP/1.1').to.have.property('httpProtocolOptions');
    expect(object(protocol?.explicitHttpConfig)).to.not.have.property('http2ProtocolOptions');
    // Envoy drops an idle connection before the web server would, so no request meets a closing one.
    const idleSeconds = Number(String(object(protocol?.commonHttpProtocolOptions)?.idleTimeout).replace(/s$/, ''));
    expect(idleSeconds * 1000, "idle_timeout below the web server's keep-alive")
      .to.be.above(0)
      .and.below(KEEP_ALIVE_TIMEOUT_MS);

    const [check, ...others] = list(cluster!.healthChecks).map((c) => object(c)!);
    expect(others).to.deep.equal([]);
    expect(object(check!.httpHealthCheck)?.path).to.equal(HEALTH_PATH);
    expect(check!.grpcHealthCheck).to.equal(undefined);

    const outlier = object(cluster!.outlierDetection)!;
    expect(outlier.enforcingConsecutive5xx, 'ejects on 5xx').to.equal(100);
    expect(Number(outlier.consecutive5xx)).to.be.above(0);
    expect(outlier.enforcingConsecutiveGatewayFailure, 'ejects on gateway failures').to.equal(100);
    expect(Number(outlier.consecutiveGatewayFailure)).to.be.above(0);
    expect(outlier.maxEjectionPercent).to.be.within(1, 100);
    const thresholds = object(list(object(cluster!.circuitBreakers)?.thresholds)[0])!;
    for (const limit of ['maxConnections', 'maxPendingRequests', 'maxRequests', 'maxRetries'])
      expect(thresholds[limit], limit).to.be.a('number');
    expect(object(object(cluster!.commonLbConfig)?.healthyPanicThreshold)?.value ?? 0).to.equal(0);
  });

  it('the page (/, /index.html, /styles.css, /assets/...) goes to web with the transcoder taken out of its filter chain, while /v1/ REST and gRPC keep the transcoder', () => {
    const edge = routes('edge');
    expect(transcoderFilterName()).to.equal('envoy.filters.http.grpc_json_transcoder');
    for (const path of WEB_PATHS) {
      for (const method of ['GET', 'HEAD']) {
        const route = routeFor(edge, path, method);
        expect(object(route?.route)?.cluster, `${method} ${path}`).to.equal(WEB_CLUSTER);
        // The first route matched decides the chain: without this, reject_unknown_method answers 404.
        expect(disablesTranscoder(route), `${method} ${path} without the transcoder`).to.equal(true);
        expect(object(route?.route)?.timeout, `${method} ${path} timeout`).to.be.a('string');
        expect(String(object(object(route?.route)?.retryPolicy)?.retryOn).split(','), `${method} ${path} retries`).to.include.members([
          '5xx',
          'reset',
          'connect-failure',
        ]);
      }
      // Any other verb is not the page's: it keeps the transcoder (which answers 404).
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'])
        expect(routeFor(edge, path, method), `${method} ${path}`).to.equal(undefined);
    }
    // The health endpoint is for the kubelet and Envoy's health check, not for the internet.
    expect(routeFor(edge, HEALTH_PATH, 'GET'), HEALTH_PATH).to.equal(undefined);

    for (const service of publicServices()) {
      for (const method of service.methods) {
        // REST: the path as sent matches no route, so the transcoder stays in the chain, rewrites
        // it to the gRPC path and the route for that applies (checked above).
        for (const binding of httpBindings(ours, method)) {
          const [verb, template] = binding.split(' ') as [string, string];
          const path = template.replace(/\{\}/g, 'x');
          expect(
            routeFor(edge, path, verb),
            `${binding} (${service.typeName}.${method.name}) matches no route before transcoding`,
          ).to.equal(undefined);
        }
        // gRPC (and a REST call once rewritten): routed with the transcoder in place.
        const grpcPath = `/${service.typeName}/${method.name}`;
        const route = routeFor(edge, grpcPath, 'POST');
        expect(route, grpcPath).to.not.equal(undefined);
        expect(object(route!.route)?.cluster ?? null, grpcPath).to.not.equal(WEB_CLUSTER);
        expect(disablesTranscoder(route), `${grpcPath} keeps the transcoder`).to.equal(false);
      }
    }
    // Nothing else takes the transcoder out.
    const withoutTranscoder = list(object(list(edge?.virtualHosts)[0])?.routes)
      .map(object)
      .filter((route) => disablesTranscoder(route));
    expect(withoutTranscoder.map((route) => object(route?.route)?.cluster)).to.deep.equal(withoutTranscoder.map(() => WEB_CLUSTER));
    expect(object(list(edge?.virtualHosts)[0])?.typedPerFilterConfig, 'no virtual-host-wide per-filter config').to.equal(undefined);
  });

  describe('a broken copy is refused with a message that says what is wrong and where', () => {
    let document: Record<string, any>;
    before(() => {
      document = parse(yamlText);
    });

    /** A deep copy of the config, changed by `edit`, and the problems the check finds in it. */
    const problemsAfter = (edit: (copy: Record<string, any>) => void): string[] => {
      const copy = structuredClone(document);
      edit(copy);
      return checkEnvoyConfig(copy, options()).problems;
    };
    const cluster = (copy: Record<string, any>, name: string) => copy.static_resources.clusters.find((c: any) => c.name === name);
    const edgeManager = (copy: Record<string, any>) => copy.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;

    it('a misspelled field (conect_timeout) is named, with where it is', () => {
      const problems = problemsAfter((copy) => {
        const gift = cluster(copy, 'gift');
        gift.conect_timeout = gift.connect_timeout;
        delete gift.connect_timeout;
      });
      expect(problems).to.have.length(1);
      expect(problems[0])
        .to.include('envoy.config.cluster.v3.Cluster')
        .and.include('"conect_timeout" is unknown')
        .and.include('static_resources.clusters[3]');
    });

    it('an unknown typed_config @type is named', () => {
      const problems = problemsAfter((copy) => {
        edgeManager(copy).http_filters.at(-1).typed_config['@type'] = `${ROUTER}s`;
      });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include(`${ROUTER}s is not in the type registry`).and.include('http_filters[6].typed_config.@type');
    });

    it('a missing required field (a health check without healthy_threshold) is named', () => {
      const problems = problemsAfter((copy) => {
        delete cluster(copy, 'gift').health_checks[0].healthy_threshold;
      });
      expect(problems).to.deep.equal(['static_resources.clusters[3].health_checks[0].healthy_threshold: is required']);
    });

    it('an out-of-range value (port 70000, status 700) is named with its bound', () => {
      const problems = problemsAfter((copy) => {
        copy.static_resources.listeners[1].address.socket_address.port_value = 70000;
        edgeManager(copy).route_config.virtual_hosts[0].routes[0].direct_response.status = 700;
      });
      expect(problems).to.deep.equal([
        'static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].direct_response.status: must be >= 200 and < 600, is 700',
        'static_resources.listeners[1].address.socket_address.port_value: must be <= 65535, is 70000',
      ]);
    });

    it("the rate limit's Envoy 1.34 fields are checked too: no dynamic buckets at all (max_dynamic_descriptors 0) and a descriptor entry without a key are refused", () => {
      const problems = problemsAfter((copy) => {
        const limit = edgeManager(copy).http_filters.find(
          (f: { name: string }) => f.name === 'envoy.filters.http.local_ratelimit',
        ).typed_config;
        limit.max_dynamic_descriptors = 0;
        delete limit.descriptors[0].entries[1].key;
      });
      expect(problems).to.have.length(2);
      expect(
        problems.find((p) => p.endsWith('max_dynamic_descriptors: must be >= 1, is 0')),
        problems.join('\n'),
      ).to.be.a('string');
      expect(
        problems.find((p) => p.includes('descriptors[0].entries[1].key')),
        problems.join('\n'),
      ).to.be.a('string');
    });

    it('an undefined enum value is refused', () => {
      const problems = problemsAfter((copy) => {
        edgeManager(copy).codec_type = 7;
      });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include('typed_config.codec_type: 7 is not a value of');
    });

    it('a route to a cluster that does not exist is named', () => {
      const problems = problemsAfter((copy) => {
        edgeManager(copy).route_config.virtual_hosts[0].routes[1].route = { cluster: 'missions', timeout: '5s' };
      });
      expect(problems).to.deep.equal(['listener edge, route mission-reads: cluster missions does not exist']);
    });

    it('a gRPC health check on an HTTP/1.1 cluster is refused, as Envoy refuses to start with it', () => {
      const problems = problemsAfter((copy) => {
        delete cluster(copy, 'gift').typed_extension_protocol_options;
      });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^cluster gift: a gRPC health check needs an HTTP\/2 cluster/);
    });

    it('a transcoded service missing from the descriptor set is named', () => {
      const problems = problemsAfter((copy) => {
        edgeManager(copy)
          .http_filters.find((f: any) => f.name === 'envoy.filters.http.grpc_json_transcoder')
          .typed_config.services.push('game.ghost.v1.GhostService');
      });
      expect(problems).to.deep.equal([
        `listener edge: the transcoder serves game.ghost.v1.GhostService, which is not in the descriptor set ${MOUNTED_DESCRIPTOR_SET}`,
      ]);
    });

    it('two methods on one REST verb and path are refused, naming both', () => {
      const set = fromBinary(FileDescriptorSetSchema, readFileSync(OUR_DESCRIPTOR_SET));
      const method = (pkg: string, name: string) =>
        set.file.find((file) => file.package === pkg && file.service.length > 0)!.service[0]!.method.find((m) => m.name === name)!;
      // GetReward now claims GET /v1/wallets/{customer_id} as well.
      method('game.reward.v1', 'GetReward').options = method('game.wallet.v1', 'GetWallet').options;
      const problems = checkEnvoyConfig(yamlText, { descriptorSets: { [MOUNTED_DESCRIPTOR_SET]: createFileRegistry(set) } }).problems;
      expect(problems).to.deep.equal([
        'listener edge: GET /v1/wallets/{} is mapped by both /game.reward.v1.RewardService/GetReward and /game.wallet.v1.WalletService/GetWallet',
      ]);
    });

    it('a transcoded method without a route, two listeners on one port, and an unknown retry_on are named', () => {
      const problems = problemsAfter((copy) => {
        const routesOfEdge = edgeManager(copy).route_config.virtual_hosts[0].routes;
        edgeManager(copy).route_config.virtual_hosts[0].routes = routesOfEdge.filter((r: any) => !String(r.name).startsWith('delivery-'));
        copy.static_resources.listeners[1].address.socket_address.port_value = 8080;
        copy.static_resources.listeners[1].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.retry_policy =
          {
            retry_on: 'unavailible',
          };
      });
      expect(problems).to.include(
        'listener edge: no route for /game.delivery.v1.DeliveryService/GetDelivery, which the transcoder produces',
      );
      expect(problems).to.include('listener mesh: 0.0.0.0:8080 is already bound by listener edge');
      expect(problems).to.include('listener mesh, route gift-reserve-gift: retry_on unavailible is not a condition Envoy knows');
    });

    it('a per-route filter config keyed by no filter of the listener, or with a misspelt field, is named', () => {
      const webPage = (copy: Record<string, any>) =>
        edgeManager(copy).route_config.virtual_hosts[0].routes.find((r: any) => r.name === 'web-page');
      const misnamed = problemsAfter((copy) => {
        const route = webPage(copy);
        route.typed_per_filter_config = {
          'envoy.filters.http.grpc_json_transcodr': route.typed_per_filter_config['envoy.filters.http.grpc_json_transcoder'],
        };
      });
      expect(misnamed).to.deep.equal([
        'listener edge, route web-page: typed_per_filter_config names envoy.filters.http.grpc_json_transcodr, which is not an HTTP filter of this listener',
      ]);
      const misspelt = problemsAfter((copy) => {
        webPage(copy).typed_per_filter_config = {
          'envoy.filters.http.grpc_json_transcoder': { '@type': 'type.googleapis.com/envoy.config.route.v3.FilterConfig', disabld: true },
        };
      });
      expect(misspelt).to.have.length(1);
      expect(misspelt[0]).to.include('"disabld" is unknown');
    });

    it('ignore_empty, which this copy of validate.proto lacks, is honoured: an empty header name passes, a bad one fails', () => {
      const withSniHeader = (header: string) => (copy: Record<string, any>) => {
        cluster(copy, 'reward').typed_extension_protocol_options = {
          'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
            '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
            upstream_http_protocol_options: { auto_sni: true, override_auto_sni_header: header },
            explicit_http_config: { http2_protocol_options: {} },
          },
        };
      };
      expect(problemsAfter(withSniHeader(''))).to.deep.equal([]);
      const problems = problemsAfter(withSniHeader('bad header'));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include('override_auto_sni_header: must be an HTTP header name, is "bad header"');
    });
  });
});

/** game.<context>.v1, except the internal operations APIs of game.platform.v1. */
function isPublicPackage(pkg: string): boolean {
  return /^game\.[a-z][a-z0-9_]*\.v1$/.test(pkg) && pkg !== 'game.platform.v1';
}
