import type { IncomingHttpHeaders } from 'node:http';
import { type AccessPolicies, CallerRole } from '#platform/auth/access-policy';
import { GatewayError } from '../http/error-response.js';
import {
  DEFAULT_RATE_LIMITS,
  RATE_LIMIT_KEY_CLAIM,
  type RateLimitClass,
  rateLimitClass,
  type TokenBucketSettings,
} from './edge-rate-limits.js';
import { TokenBuckets } from './token-buckets.js';

/** What the gateway needs to know of a verified access token. */
export interface VerifiedToken {
  /** `sub`: the customer id for a player, the client for a client-credentials token. */
  readonly subject: string;
  /** `client_id`: the OAuth client the token was issued to. */
  readonly clientId: string;
  readonly roles: ReadonlySet<CallerRole>;
}

/**
 * Verifies a bearer token (signature, issuer, audience, expiry, pinned algorithms, kid) or
 * throws with the reason. The platform's verifier (services/platform/src/auth) is adapted to it
 * where the gateway is composed.
 */
export type BearerTokenVerifier = (token: string) => Promise<VerifiedToken>;

export interface EdgeAccessOptions {
  readonly policies: AccessPolicies;
  readonly verify: BearerTokenVerifier;
  /** Bucket sizes; default DEFAULT_RATE_LIMITS (the numbers envoy.yaml is generated with). */
  readonly rateLimits?: Partial<Record<RateLimitClass, TokenBucketSettings>>;
}

/**
 * The edge's identity checks, as envoy/envoy.yaml does them (jwt_authn, RBAC, local_ratelimit)
 * and from the same access options: a token is required unless the RPC is PUBLIC, and a token
 * that is sent must be valid (401); the token's roles must include one the RPC allows, and an RPC
 * without an option is refused to everyone (403); a rate-limited RPC takes a token from its
 * caller's bucket (429 with retry-after). Ownership (a player's own customer id) is left to the
 * services, which see the request's fields and verify the token again.
 */
export class EdgeAccessCheck {
  private readonly buckets: Record<RateLimitClass, TokenBuckets>;

  constructor(private readonly options: EdgeAccessOptions) {
    const settings = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
    this.buckets = {
      'player-writes': new TokenBuckets(settings['player-writes']),
      'client-writes': new TokenBuckets(settings['client-writes']),
    };
  }

  /** Resolves when the call may go on; throws the GatewayError to answer otherwise. */
  async admit(grpcPath: string, headers: IncomingHttpHeaders): Promise<void> {
    const policy = this.options.policies.forPath(grpcPath);
    const bearer = bearerToken(headers.authorization);
    const isPublic = policy?.allow.includes(CallerRole.CALLER_ROLE_PUBLIC) === true;
    // Envoy's jwt_authn has a rule for every RPC with an option; the rest reach RBAC untouched.
    let token: VerifiedToken | undefined;
    if (policy) {
      if (bearer === undefined && !isPublic) throw unauthenticated('an access token is required (authorization: Bearer <token>)');
      if (bearer !== undefined) {
        try {
          token = await this.options.verify(bearer);
        } catch (error) {
          throw unauthenticated(`Jwt verification fails: ${(error as Error).message}`);
        }
      }
    }
    if (!policy) throw GatewayError.forbidden(`access denied: ${grpcPath} declares no access policy`);
    if (!isPublic && !policy.allow.some((role) => token!.roles.has(role))) {
      throw GatewayError.forbidden(`access denied: ${policy.method} is not open to this caller's roles`);
    }
    const limit = rateLimitClass(policy);
    if (limit && token) {
      const key = RATE_LIMIT_KEY_CLAIM[limit] === 'sub' ? token.subject : token.clientId;
      const waitMs = this.buckets[limit].take(key);
      if (waitMs > 0)
        throw GatewayError.rateLimited(`rate limited: too many ${policy.method} calls, retry in ${Math.ceil(waitMs / 1000)} s`, waitMs);
    }
  }
}

export interface SignedInPlayer {
  readonly customerId: string;
}

/** For the gateway's own development endpoints: the request's token must be a valid player's. */
export async function signedInPlayer(verify: BearerTokenVerifier, headers: IncomingHttpHeaders): Promise<SignedInPlayer> {
  const bearer = bearerToken(headers.authorization);
  if (!bearer) throw unauthenticated('an access token is required (authorization: Bearer <token>)');
  let token: VerifiedToken;
  try {
    token = await verify(bearer);
  } catch (error) {
    throw unauthenticated(`Jwt verification fails: ${(error as Error).message}`);
  }
  if (!token.roles.has(CallerRole.CALLER_ROLE_PLAYER) || !token.subject)
    throw GatewayError.forbidden('access denied: only a signed-in player may use this');
  return { customerId: token.subject };
}

/**
 * The token of an `Authorization: Bearer <token>` header. undefined when there is no header;
 * any other scheme or an empty token counts as a bad token (jwt_authn would not find one either,
 * but a client that sends credentials should learn they are refused, not be treated as anonymous).
 */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +([^\s]+)\s*$/i.exec(header);
  return match ? match[1] : '';
}

function unauthenticated(message: string): GatewayError {
  return GatewayError.unauthenticated(message);
}
