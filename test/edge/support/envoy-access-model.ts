import type { JsonObject } from '@bufbuild/protobuf';
import { list, object } from './envoy-config-check.js';

/**
 * What Envoy decides for one request, from the parsed config (proto3 JSON), for the subset of
 * jwt_authn, RBAC and local_ratelimit the edge uses: path matches (exact, prefix, RE2 full match),
 * RBAC permissions on url_path and principals on jwt_authn's metadata (`any`, or a list_match
 * one_of exact on a claim, the claim read at the metadata path). Anything else in a policy is
 * reported as unsupported rather than guessed, so a change to the config shape fails loudly.
 */

export interface VerifiedToken {
  /** The payload jwt_authn put in metadata, scope already split into a list (normalize_payload_in_metadata). */
  readonly payload: Readonly<Record<string, unknown>>;
}

function pathMatches(match: JsonObject, path: string): boolean {
  if (typeof match.path === 'string') return match.path === path;
  if (typeof match.prefix === 'string') return path.startsWith(match.prefix);
  const regex = object(match.safeRegex)?.regex;
  if (typeof regex === 'string') return new RegExp(`^(?:${regex})$`).test(path);
  throw new Error(`unsupported match ${JSON.stringify(match)}`);
}

function stringMatches(matcher: JsonObject, value: string): boolean {
  if (typeof matcher.exact === 'string') return matcher.exact === value;
  if (typeof matcher.prefix === 'string') return value.startsWith(matcher.prefix);
  const regex = object(matcher.safeRegex)?.regex;
  if (typeof regex === 'string') return new RegExp(`^(?:${regex})$`).test(value);
  throw new Error(`unsupported string matcher ${JSON.stringify(matcher)}`);
}

/** The jwt_authn requirement for a path: 'required', 'optional' (a bad token still fails) or 'none' (no rule). */
export function jwtRequirement(jwtAuthn: JsonObject, path: string): 'required' | 'optional' | 'none' {
  const rule = list(jwtAuthn.rules)
    .map(object)
    .find((candidate) => pathMatches(object(candidate?.match) ?? {}, path));
  if (!rule) return 'none';
  const requires = object(rule.requires) ?? {};
  if (typeof requires.providerName === 'string') return 'required';
  const any = list(object(requires.requiresAny)?.requirements).map(object);
  if (any.some((r) => r?.allowMissing !== undefined) && any.some((r) => typeof r?.providerName === 'string')) return 'optional';
  throw new Error(`unsupported jwt requirement ${JSON.stringify(requires)}`);
}

function metadataValue(token: VerifiedToken | undefined, filter: string, path: string[]): unknown {
  if (!token || filter !== 'envoy.filters.http.jwt_authn') return undefined;
  const [namespace, ...rest] = path;
  if (namespace !== 'jwt_payload') return undefined;
  let value: unknown = token.payload;
  for (const key of rest) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function principalMatches(principal: JsonObject, token: VerifiedToken | undefined): boolean {
  if (principal.any === true) return true;
  const metadata = object(principal.metadata);
  if (!metadata) throw new Error(`unsupported principal ${JSON.stringify(principal)}`);
  const path = list(metadata.path).map((segment) => String(object(segment)?.key));
  const value = metadataValue(token, String(metadata.filter), path);
  const oneOf = object(object(object(metadata.value)?.listMatch)?.oneOf);
  const matcher = object(oneOf?.stringMatch);
  if (!matcher) throw new Error(`unsupported metadata matcher ${JSON.stringify(metadata.value)}`);
  return Array.isArray(value) && value.some((item) => typeof item === 'string' && stringMatches(matcher, item));
}

function permissionMatches(permission: JsonObject, path: string): boolean {
  if (permission.any === true) return true;
  const matcher = object(object(permission.urlPath)?.path);
  if (!matcher) throw new Error(`unsupported permission ${JSON.stringify(permission)}`);
  return stringMatches(matcher, path.split('?')[0]!);
}

/** Whether an ALLOW RBAC config lets this (path, token) through. */
export function rbacAllows(rbac: JsonObject, path: string, token: VerifiedToken | undefined): boolean {
  const rules = object(rbac.rules);
  if (rules?.action !== undefined && rules.action !== 'ALLOW') throw new Error(`unsupported RBAC action ${String(rules.action)}`);
  return Object.values(object(rules?.policies) ?? {}).some((policy) => {
    const p = object(policy)!;
    return (
      list(p.permissions).some((permission) => permissionMatches(object(permission)!, path)) &&
      list(p.principals).some((principal) => principalMatches(object(principal)!, token))
    );
  });
}

/** The local rate-limit descriptor the virtual host's rate_limits produce for a request, if any. */
export function rateLimitDescriptor(
  virtualHost: JsonObject,
  path: string,
  token: VerifiedToken | undefined,
): Array<{ key: string; value: string }> | undefined {
  for (const rateLimit of list(virtualHost.rateLimits).map(object)) {
    const entries: Array<{ key: string; value: string }> = [];
    let complete = true;
    for (const action of list(rateLimit?.actions).map(object)) {
      const headerMatch = object(action?.headerValueMatch);
      const metadata = object(action?.metadata);
      if (headerMatch) {
        const matcher = object(object(list(headerMatch.headers)[0])?.stringMatch)!;
        const headerName = String(object(list(headerMatch.headers)[0])?.name);
        if (headerName !== ':path') throw new Error(`unsupported header ${headerName}`);
        const matched = stringMatches(matcher, path) === (headerMatch.expectMatch !== false);
        if (!matched) complete = false;
        else entries.push({ key: String(headerMatch.descriptorKey), value: String(headerMatch.descriptorValue) });
      } else if (metadata) {
        const key = object(metadata.metadataKey)!;
        const value = metadataValue(
          token,
          String(key.key),
          list(key.path).map((segment) => String(object(segment)?.key)),
        );
        if (typeof value !== 'string' || value === '') complete = false;
        else entries.push({ key: String(metadata.descriptorKey), value });
      } else {
        throw new Error(`unsupported rate limit action ${JSON.stringify(action)}`);
      }
    }
    if (complete) return entries;
  }
  return undefined;
}

/** The local_ratelimit descriptor (bucket) a request descriptor falls in: values equal, or the config's value empty (a bucket per value). */
export function bucketFor(localRateLimit: JsonObject, descriptor: Array<{ key: string; value: string }>): JsonObject | undefined {
  return list(localRateLimit.descriptors)
    .map(object)
    .find((candidate) => {
      const entries = list(candidate?.entries).map(object);
      return (
        entries.length === descriptor.length &&
        entries.every((entry, i) => entry?.key === descriptor[i]!.key && (!entry?.value || entry.value === descriptor[i]!.value))
      );
    });
}
