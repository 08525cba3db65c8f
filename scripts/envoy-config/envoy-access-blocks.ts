import { stringify } from 'yaml';
import { type AccessPolicies, CallerRole, type MethodAccessPolicy } from '#platform/auth/access-policy';
import { ROLE_SCOPES } from '#platform/auth/caller';
import {
  DEFAULT_RATE_LIMITS,
  RATE_LIMIT_KEY_CLAIM,
  type RateLimitClass,
  rateLimitClass,
} from '../../services/gateway/src/access/edge-rate-limits.js';

/**
 * The parts of envoy/envoy.yaml that follow from the access options in proto/
 * (`option (game.platform.v1.access)`), rendered as YAML for the blocks between
 * `# BEGIN GENERATED <name>` and `# END GENERATED <name>`:
 *
 *   jwt-rules            jwt_authn: which paths need a valid token (all but PUBLIC RPCs; a PUBLIC
 *                        RPC still refuses a bad token). Paths with no rule (the web page) pass.
 *   rbac-policies        RBAC (ALLOW): one policy per RPC that has an option, its principals the
 *                        scopes of the roles it allows. Every other path is denied (default deny).
 *   rate-limit-actions   the virtual host's rate_limits: a descriptor (limit class, token claim) for
 *                        the rate-limited RPCs only.
 *   rate-limit-buckets   local_ratelimit descriptors: one token bucket per distinct claim value
 *                        (an empty value is Envoy's wildcard: a bucket for each value seen).
 *
 * scripts/render-envoy-config.ts writes them (with the service catalog's blocks,
 * envoy-service-blocks.ts); test/edge/envoy-access-config.test.ts and
 * test/deploy/service-catalog.test.ts fail when the checked-in envoy.yaml differs from what they render.
 */

export const JWT_PROVIDER = 'game-identity';
/** jwt_authn's dynamic metadata: the verified payload lands under this key of its namespace. */
export const JWT_PAYLOAD_METADATA = 'jwt_payload';
const JWT_AUTHN_FILTER = 'envoy.filters.http.jwt_authn';

export { ROLE_SCOPES };

export type GeneratedBlocks = Readonly<
  Record<'jwt-rules' | 'rbac-policies' | 'rate-limit-actions' | 'rate-limit-buckets', unknown[] | Record<string, unknown>>
>;

/** The policies of the platform's RPCs (game.*) that declare one, in a stable order. */
function declared(policies: AccessPolicies): MethodAccessPolicy[] {
  return policies
    .platformPaths()
    .sort()
    .map((path) => policies.forPath(path))
    .filter((policy): policy is MethodAccessPolicy => policy !== undefined);
}

export function isPublic(policy: MethodAccessPolicy): boolean {
  return policy.allow.includes(CallerRole.CALLER_ROLE_PUBLIC);
}

export { rateLimitClass };

export function envoyAccessBlocks(policies: AccessPolicies): GeneratedBlocks {
  const rpcs = declared(policies);
  return {
    'jwt-rules': rpcs.map((policy) => ({
      match: { path: policy.path },
      requires: isPublic(policy)
        ? { requires_any: { requirements: [{ provider_name: JWT_PROVIDER }, { allow_missing: {} }] } }
        : { provider_name: JWT_PROVIDER },
    })),
    'rbac-policies': Object.fromEntries(rpcs.map((policy) => [policy.path.slice(1), rbacPolicy(policy)])),
    'rate-limit-actions': rateLimitActions(rpcs),
    'rate-limit-buckets': rateLimitBuckets(rpcs),
  };
}

function rbacPolicy(policy: MethodAccessPolicy): unknown {
  const scopes = policy.allow.map((role) => ROLE_SCOPES.get(role)).filter((scope): scope is string => scope !== undefined);
  const principals = isPublic(policy)
    ? [{ any: true }]
    : scopes.map((scope) => ({
        metadata: {
          filter: JWT_AUTHN_FILTER,
          path: [{ key: JWT_PAYLOAD_METADATA }, { key: 'scope' }],
          // jwt_authn's normalize_payload_in_metadata turns the space-separated scope into a list.
          value: { list_match: { one_of: { string_match: { exact: scope } } } },
        },
      }));
  return { permissions: [{ url_path: { path: { exact: policy.path } } }], principals };
}

function classes(rpcs: MethodAccessPolicy[]): Map<RateLimitClass, string[]> {
  const byClass = new Map<RateLimitClass, string[]>();
  for (const policy of rpcs) {
    const limit = rateLimitClass(policy);
    if (limit) byClass.set(limit, [...(byClass.get(limit) ?? []), policy.path]);
  }
  return byClass;
}

function rateLimitActions(rpcs: MethodAccessPolicy[]): unknown[] {
  return [...classes(rpcs)].map(([limit, paths]) => ({
    actions: [
      {
        header_value_match: {
          descriptor_key: 'limit',
          descriptor_value: limit,
          headers: [{ name: ':path', string_match: { safe_regex: { regex: paths.map(escapeRegex).join('|') } } }],
        },
      },
      {
        metadata: {
          descriptor_key: RATE_LIMIT_KEY_CLAIM[limit],
          metadata_key: { key: JWT_AUTHN_FILTER, path: [{ key: JWT_PAYLOAD_METADATA }, { key: RATE_LIMIT_KEY_CLAIM[limit] }] },
          source: 'DYNAMIC',
        },
      },
    ],
  }));
}

function rateLimitBuckets(rpcs: MethodAccessPolicy[]): unknown[] {
  return [...classes(rpcs).keys()].map((limit) => {
    const bucket = DEFAULT_RATE_LIMITS[limit];
    return {
      // The claim's entry has no value: Envoy keeps a bucket per distinct value (per player, per client).
      entries: [{ key: 'limit', value: limit }, { key: RATE_LIMIT_KEY_CLAIM[limit] }],
      token_bucket: {
        max_tokens: bucket.size,
        tokens_per_fill: bucket.tokensPerRefill,
        fill_interval: `${bucket.refillIntervalMs / 1000}s`,
      },
    };
  });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The access blocks as lines (flow style, one per list item or map entry), by marker name. */
export function envoyAccessLines(policies: AccessPolicies): Record<string, string[]> {
  return Object.fromEntries(Object.entries(envoyAccessBlocks(policies)).map(([name, value]) => [name, renderBlock(value)]));
}

/** One line per list item or map entry (flow style). */
function renderBlock(value: unknown): string[] {
  const flow = (item: unknown) => stringify(item, { collectionStyle: 'flow', lineWidth: 0 }).trim();
  if (Array.isArray(value)) return value.map((item) => `- ${flow(item)}`);
  return Object.entries(value as Record<string, unknown>).map(([key, item]) => `${flow(key)}: ${flow(item)}`);
}
