import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileRegistry, type FileRegistry, fromBinary, type JsonObject } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { expect } from 'chai';
import { AccessPolicies, CallerRole } from '#platform/auth/access-policy';
import { JWT_PAYLOAD_METADATA, ROLE_SCOPES, rateLimitClass } from '../../scripts/envoy-config/envoy-access-blocks.js';
import { renderEnvoyConfig } from '../../scripts/envoy-config/envoy-config.js';
import { DEFAULT_RATE_LIMITS, RATE_LIMIT_KEY_CLAIM } from '../../services/gateway/src/access/edge-rate-limits.js';
import { bucketFor, jwtRequirement, rateLimitDescriptor, rbacAllows, type VerifiedToken } from './support/envoy-access-model.js';
import { REPO_ROOT } from './support/envoy-api-registry.js';
import { checkEnvoyConfig, connectionManagers, httpFilterConfig, list, object } from './support/envoy-config-check.js';

/**
 * Who may call what through Envoy (envoy/envoy.yaml): identity headers stripped, jwt_authn, RBAC
 * and local_ratelimit, all parsed strictly against Envoy's API (support/envoy-config-check.ts),
 * then evaluated for every RPC of the descriptor set x every role, against the access options
 * in proto/ (identity-core's AccessPolicies). The generated blocks must be what
 * scripts/render-envoy-config.ts writes today.
 */

const ENVOY_YAML = join(REPO_ROOT, 'envoy/envoy.yaml');
const DESCRIPTOR_SET = join(REPO_ROOT, 'services/contracts/generated/descriptor-set.binpb');
const TYPE = 'type.googleapis.com/envoy.extensions.filters.http';
const LUA = `${TYPE}.lua.v3.Lua`;
const JWT_AUTHN = `${TYPE}.jwt_authn.v3.JwtAuthentication`;
const RBAC = `${TYPE}.rbac.v3.RBAC`;
const LOCAL_RATE_LIMIT = `${TYPE}.local_ratelimit.v3.LocalRateLimit`;
const FILTER_CONFIG = 'type.googleapis.com/envoy.config.route.v3.FilterConfig';
const ALL_ROLES = [...ROLE_SCOPES.keys()];

describe('Envoy identity and access (envoy/envoy.yaml): headers stripped, jwt_authn, RBAC per RPC, local rate limits', function () {
  this.timeout(60_000);

  let yamlText: string;
  let registry: FileRegistry;
  let policies: AccessPolicies;
  let config: JsonObject;

  before(() => {
    yamlText = readFileSync(ENVOY_YAML, 'utf8');
    registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET)));
    policies = AccessPolicies.fromRegistry(registry);
    const checked = checkEnvoyConfig(yamlText, { descriptorSets: { '/etc/envoy/descriptor-set.binpb': registry } });
    expect(checked.problems).to.deep.equal([]);
    config = checked.config!;
  });

  const hcm = (name: string) => {
    const listener = list(object(config.staticResources)?.listeners)
      .map(object)
      .find((l) => l?.name === name)!;
    return connectionManagers(listener)[0]!;
  };
  const filterNames = (name: string) => list(hcm(name).httpFilters).map((f) => String(object(object(f)?.typedConfig)?.['@type']));
  const jwt = (name = 'edge') => httpFilterConfig(hcm(name), JWT_AUTHN)!;
  const rbac = (name = 'edge') => httpFilterConfig(hcm(name), RBAC)!;
  const rateLimit = () => httpFilterConfig(hcm('edge'), LOCAL_RATE_LIMIT)!;
  const virtualHost = () => object(list(object(hcm('edge').routeConfig)?.virtualHosts)[0])!;
  const tokenFor = (role: CallerRole, sub = 'subject-1', clientId = 'client-1'): VerifiedToken => ({
    payload: { sub, client_id: clientId, scope: [ROLE_SCOPES.get(role)!] },
  });

  it('the generated blocks are what scripts/render-envoy-config.ts writes from proto/ today (run npm run gen:envoy-config)', () => {
    expect(renderEnvoyConfig(yamlText, { policies, registry }) === yamlText, 'envoy.yaml is out of date with the access options').to.equal(
      true,
    );
  });

  it('client-sent x-caller-* and x-jwt-* headers are dropped before any other filter, on the edge and the mesh', () => {
    for (const name of ['edge', 'mesh']) {
      expect(filterNames(name)[0], `${name}: first filter`).to.equal(LUA);
      const source = String(object(httpFilterConfig(hcm(name), LUA)?.defaultSourceCode)?.inlineString);
      expect(source).to.include('"x-caller-"').and.include('"x-jwt-"').and.include('envoy_on_request').and.include(':remove(');
    }
  });

  it("jwt_authn checks issuer, audience and signature from the provider's JWKS, with 60 s of clock skew, keeps Authorization for the services and hands the claims to RBAC as metadata", () => {
    const providers = Object.entries(object(jwt().providers) ?? {});
    expect(providers).to.have.length(1);
    const [, provider] = providers[0]! as [string, JsonObject];
    expect(provider.issuer)
      .to.be.a('string')
      .and.match(/^https?:\/\//);
    expect(provider.audiences).to.deep.equal(['game-event-rewards']);
    const remote = object(object(provider.remoteJwks)?.httpUri)!;
    const clusterNames = list(object(config.staticResources)?.clusters).map((c) => object(c)?.name);
    expect(clusterNames).to.include(remote.cluster);
    expect(String(remote.uri)).to.match(/^http:\/\/identity\.game\.svc\.cluster\.local:8090\//);
    expect(provider.forward).to.equal(true);
    expect(provider.payloadInMetadata).to.equal(JWT_PAYLOAD_METADATA);
    expect(object(provider.normalizePayloadInMetadata)?.spaceDelimitedClaims).to.deep.equal(['scope']);
    expect(provider.clockSkewSeconds).to.equal(60);
    // The mesh verifies the same way (the same YAML node).
    expect(jwt('mesh')).to.deep.equal(jwt());
    expect(rbac('mesh')).to.deep.equal(rbac());
  });

  it('every RPC of the descriptor set has a rule: a token is required unless the RPC is PUBLIC, and RBAC lets exactly the roles its option allows through', () => {
    const paths = policies.platformPaths();
    expect(paths.length).to.be.greaterThan(20);
    for (const path of paths) {
      const policy = policies.forPath(path);
      expect(policy, `${path} declares an access option`).to.not.equal(undefined);
      const isPublic = policy!.allow.includes(CallerRole.CALLER_ROLE_PUBLIC);
      expect(jwtRequirement(jwt(), path), `${path} jwt rule`).to.equal(isPublic ? 'optional' : 'required');
      expect(rbacAllows(rbac(), path, undefined), `${path} without a token`).to.equal(isPublic);
      for (const role of ALL_ROLES) {
        const allowed = isPublic || policy!.allow.includes(role);
        expect(rbacAllows(rbac(), path, tokenFor(role)), `${path} as ${CallerRole[role]}`).to.equal(allowed);
      }
      // A token with no scope, or a scope that only looks like one, is no role.
      expect(rbacAllows(rbac(), path, { payload: { sub: 'x', scope: [] } }), `${path} with no scope`).to.equal(isPublic);
      expect(
        rbacAllows(rbac(), path, { payload: { sub: 'x', scope: ['players', 'operator:read'] } }),
        `${path} with look-alike scopes`,
      ).to.equal(isPublic);
    }
    // A path of no RPC (or a service Envoy does not know) matches no policy: denied.
    expect(rbacAllows(rbac(), '/game.ghost.v1.GhostService/Haunt', tokenFor(CallerRole.CALLER_ROLE_OPERATOR))).to.equal(false);
  });

  it('default deny: an RPC whose access option is removed loses its RBAC policy, so every caller is refused, and the freshness check catches it', () => {
    const set = fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET));
    const wallet = set.file.find((file) => file.package === 'game.wallet.v1' && file.service.length > 0)!;
    const getWallet = wallet.service[0]!.method.find((method) => method.name === 'GetWallet')!;
    // The option is extension 51001 of MethodOptions; dropping the unknown/extension fields removes it.
    getWallet.options = { ...getWallet.options!, $unknown: [] } as typeof getWallet.options;
    const without = AccessPolicies.fromRegistry(createFileRegistry(set));
    expect(without.forPath('/game.wallet.v1.WalletService/GetWallet')).to.equal(undefined);
    const rendered = renderEnvoyConfig(yamlText, { policies: without, registry });
    expect(rendered).to.not.equal(yamlText);
    const renderedConfig = checkEnvoyConfig(rendered, { descriptorSets: { '/etc/envoy/descriptor-set.binpb': registry } }).config!;
    const renderedRbac = httpFilterConfig(
      connectionManagers(object(list(object(renderedConfig.staticResources)?.listeners)[0])!)[0]!,
      RBAC,
    )!;
    for (const role of ALL_ROLES) {
      expect(rbacAllows(renderedRbac, '/game.wallet.v1.WalletService/GetWallet', tokenFor(role)), CallerRole[role]).to.equal(false);
    }
  });

  it('rate-limited writes draw from a token bucket per player, AchieveMission from one per client; nothing else is limited', () => {
    const limit = rateLimit();
    const percent = (fraction: unknown) => object(object(fraction)?.defaultValue);
    expect(percent(limit.filterEnabled)).to.deep.equal({ numerator: 100 });
    expect(percent(limit.filterEnforced)).to.deep.equal({ numerator: 100 });
    expect(limit.rateLimitedAsResourceExhausted).to.equal(true);
    expect(limit.alwaysConsumeDefaultTokenBucket).to.equal(false);
    expect(Number(limit.maxDynamicDescriptors)).to.be.at.least(1000);
    // Wildcard entries work only with buckets per Envoy instance (Envoy's RateLimitDescriptor.Entry docs).
    expect(limit.localRateLimitPerDownstreamConnection ?? false).to.equal(false);
    expect(list(limit.responseHeadersToAdd).map((h) => object(object(h)?.header)?.key)).to.include('retry-after');
    const defaultInterval = parseFloat(String(object(limit.tokenBucket)?.fillInterval));

    let limited = 0;
    for (const path of policies.platformPaths()) {
      const policy = policies.forPath(path)!;
      const limitClass = rateLimitClass(policy);
      const role = policy.allow.find((r) => r !== CallerRole.CALLER_ROLE_PUBLIC) ?? CallerRole.CALLER_ROLE_PLAYER;
      const descriptor = rateLimitDescriptor(virtualHost(), path, tokenFor(role, 'player-7', 'game-server'));
      if (!limitClass) {
        expect(descriptor, `${path} is not rate limited`).to.equal(undefined);
        continue;
      }
      limited++;
      const claim = RATE_LIMIT_KEY_CLAIM[limitClass];
      expect(descriptor, path).to.deep.equal([
        { key: 'limit', value: limitClass },
        { key: claim, value: claim === 'sub' ? 'player-7' : 'game-server' },
      ]);
      const bucket = object(bucketFor(limit, descriptor!)?.tokenBucket)!;
      const expected = DEFAULT_RATE_LIMITS[limitClass];
      expect(bucket, path).to.deep.equal({
        maxTokens: expected.size,
        tokensPerFill: expected.tokensPerRefill,
        fillInterval: `${expected.refillIntervalMs / 1000}s`,
      });
      expect(parseFloat(String(bucket.fillInterval)) % defaultInterval, "a multiple of the default bucket's interval").to.equal(0);
      // The bucket's entry for the claim has no value: Envoy's wildcard, a bucket for each player or client.
      const configured = list(bucketFor(limit, descriptor!)?.entries).map(object);
      expect(configured.find((entry) => entry?.key === claim)?.value ?? '').to.equal('');
      // No token, no claim: no descriptor (and RBAC has refused the call already).
      expect(rateLimitDescriptor(virtualHost(), path, undefined), `${path} without a token`).to.equal(undefined);
    }
    expect(limited, 'rate-limited RPCs').to.be.at.least(4);
    expect(policies.forPath('/game.mission.v1.MissionService/AchieveMission')!.rateLimited).to.equal(true);
    expect(rateLimitClass(policies.forPath('/game.mission.v1.MissionService/AchieveMission')!)).to.equal('client-writes');
    expect(rateLimitClass(policies.forPath('/game.wallet.v1.WalletService/ExchangeReward')!)).to.equal('player-writes');
  });

  it('the web page routes need no token and skip RBAC and the rate limit; every API route keeps all three', () => {
    const routes = list(virtualHost().routes).map((r) => object(r)!);
    for (const route of routes) {
      const perFilter = object(route.typedPerFilterConfig) ?? {};
      const disabled = (filter: string) =>
        object(perFilter[filter])?.['@type'] === FILTER_CONFIG && object(perFilter[filter])?.disabled === true;
      const isWeb = object(route.route)?.cluster === 'web';
      for (const filter of ['envoy.filters.http.jwt_authn', 'envoy.filters.http.rbac', 'envoy.filters.http.local_ratelimit']) {
        expect(disabled(filter), `${String(route.name)}: ${filter} disabled`).to.equal(isWeb);
      }
    }
  });
});
