import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { Caller } from './caller.js';

/** Asymmetric algorithms accepted: never `none`, never HMAC (a shared secret would let services mint tokens). */
export const ACCEPTED_ALGORITHMS = ['ES256', 'RS256'];
/** As Envoy jwt_authn's default clock skew. */
export const CLOCK_TOLERANCE_S = 60;

export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
}

/** Tokens verified recently, so a client's next calls with the same token skip the signature check. */
const CACHE_SIZE = 10_000;

const BEARER = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/i;

/** Verifies access tokens of one issuer for one audience (jose), giving the Caller they name. */
export class TokenVerifier {
  /** Verified token -> its caller and when it stops being acceptable (exp + skew), least recently used first. */
  private readonly verified = new Map<string, { caller: Caller; until: number }>();

  private constructor(
    readonly issuer: string,
    readonly audience: string,
    private readonly keys: JWTVerifyGetKey,
  ) {}

  /** Keys fetched (and refetched on an unknown kid, with jose's cooldown) from a JWKS URL. */
  static remote(issuer: string, audience: string, jwksUrl: string): TokenVerifier {
    return new TokenVerifier(issuer, audience, createRemoteJWKSet(new URL(jwksUrl)));
  }

  static local(issuer: string, audience: string, jwks: JSONWebKeySet): TokenVerifier {
    return new TokenVerifier(issuer, audience, createLocalJWKSet(jwks));
  }

  /** The caller of an `authorization: Bearer <jwt>` value; UnauthenticatedError if it is not a valid token. */
  async verifyAuthorization(header: string | undefined): Promise<Caller> {
    const match = BEARER.exec(header ?? '');
    if (!match)
      throw new UnauthenticatedError(
        header ? 'the authorization header is not a Bearer token' : 'an access token is required (authorization: Bearer <token>)',
      );
    return this.verify(match[1]);
  }

  /**
   * The caller of a header whose token was verified before and is still acceptable, without
   * waiting (undefined otherwise: verifyAuthorization decides). Nearly every call carries a token
   * its client has used before, and the auth interceptor admits those synchronously.
   */
  knownCaller(header: string | undefined): Caller | undefined {
    // No pattern over the token here (a JWT is ~800 characters): only a token that matched it
    // is ever cached, so "Bearer " and a cached token is a header verifyAuthorization accepts.
    return header?.startsWith('Bearer ') ? this.cachedCaller(header.slice(7)) : undefined;
  }

  async verify(token: string): Promise<Caller> {
    const cached = this.cachedCaller(token);
    if (cached) return cached;
    const { caller, exp } = await this.verifyNow(token);
    if (this.verified.size >= CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { caller, until: (exp + CLOCK_TOLERANCE_S) * 1000 });
    return caller;
  }

  /** The cached caller of a token still acceptable (an expired entry is dropped). */
  private cachedCaller(token: string): Caller | undefined {
    const known = this.verified.get(token);
    if (!known) return undefined;
    this.verified.delete(token);
    if (Date.now() >= known.until) return undefined;
    // Least recently used first: a token in use moves to the back, the oldest unused one goes first.
    this.verified.set(token, known);
    return known.caller;
  }

  private async verifyNow(token: string): Promise<{ caller: Caller; exp: number }> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.keys, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'sub'],
      });
      if (!protectedHeader.kid) throw new UnauthenticatedError('the access token has no kid');
      return { caller: Caller.fromClaims(payload), exp: payload.exp as number };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      // The issuer's keys could not be fetched: not the token's fault (the caller sees UNAVAILABLE).
      if (error instanceof errors.JWKSTimeout) throw error;
      if (error instanceof errors.JOSEError) throw new UnauthenticatedError(`invalid access token: ${describe(error)}`);
      throw error;
    }
  }
}

function describe(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `claim ${error.claim} ${error.reason === 'check_failed' ? 'is not accepted' : 'is missing'}`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'signed by an unknown key';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not accepted';
  return error.code;
}
