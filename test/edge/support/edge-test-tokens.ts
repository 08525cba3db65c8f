import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { CallerRole } from '#platform/auth/access-policy';
import { ROLE_SCOPES } from '#platform/auth/caller';
import { TokenVerifier } from '#platform/auth/token-verifier';

/**
 * Access tokens for edge tests that need no identity provider: an ES256 key pair of this test
 * process signs real JWTs (kid set, as the provider signs them), and the platform's own verifier
 * (TokenVerifier.local over the public JWKS) checks them. Also the bad ones a client may send:
 * expired, wrong issuer, wrong audience, bad signature, alg none, unknown kid.
 */
export const TEST_ISSUER = 'http://issuer.edge-test.invalid';
export const TEST_AUDIENCE = 'game-event-rewards';

export type BadTokenKind = 'expired' | 'wrong issuer' | 'wrong audience' | 'bad signature' | 'alg none' | 'unknown kid';
export const BAD_TOKEN_KINDS: readonly BadTokenKind[] = [
  'expired',
  'wrong issuer',
  'wrong audience',
  'bad signature',
  'alg none',
  'unknown kid',
];

export class EdgeTestTokens {
  private constructor(
    private readonly key: CryptoKey,
    private readonly otherKey: CryptoKey,
    private readonly kid: string,
    readonly jwks: JSONWebKeySet,
  ) {}

  static async create(): Promise<EdgeTestTokens> {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const kid = randomUUID();
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    return new EdgeTestTokens(privateKey, other.privateKey, kid, { keys: [jwk] });
  }

  verifier(): TokenVerifier {
    return TokenVerifier.local(TEST_ISSUER, TEST_AUDIENCE, this.jwks);
  }

  /** A valid token for a player (sub = customer id). */
  player(customerId: string): Promise<string> {
    return this.sign({ sub: customerId, client_id: 'my-page-web', scope: `openid ${ROLE_SCOPES.get(CallerRole.CALLER_ROLE_PLAYER)}` });
  }

  /** A valid client-credentials token of a role (sub = client_id = clientId). */
  client(role: CallerRole, clientId: string): Promise<string> {
    return this.sign({ sub: clientId, client_id: clientId, scope: ROLE_SCOPES.get(role)! });
  }

  bad(kind: BadTokenKind, customerId = 'edge-player'): Promise<string> {
    const claims = { sub: customerId, client_id: 'my-page-web', scope: 'openid player' };
    switch (kind) {
      case 'expired':
        return this.sign(claims, { expiresAt: Math.floor(Date.now() / 1000) - 3600 });
      case 'wrong issuer':
        return this.sign(claims, { issuer: 'http://someone-else.invalid' });
      case 'wrong audience':
        return this.sign(claims, { audience: 'another-api' });
      case 'bad signature':
        return this.sign(claims, { key: this.otherKey });
      case 'unknown kid':
        return this.sign(claims, { kid: randomUUID() });
      case 'alg none': {
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return Promise.resolve(
          `${encode({ alg: 'none', typ: 'at+jwt', kid: this.kid })}.${encode({ ...claims, iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 300 })}.`,
        );
      }
    }
  }

  private sign(
    claims: Record<string, unknown>,
    options: { issuer?: string; audience?: string; expiresAt?: number; key?: CryptoKey; kid?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: options.kid ?? this.kid })
      .setIssuer(options.issuer ?? TEST_ISSUER)
      .setAudience(options.audience ?? TEST_AUDIENCE)
      .setIssuedAt(now - 5)
      .setExpirationTime(options.expiresAt ?? now + 300)
      .sign(options.key ?? this.key);
  }
}
