import { randomBytes } from 'node:crypto';
import { Metadata as GrpcMetadata, InterceptingCall, type Interceptor, type Metadata } from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { AccessPolicies, CallerRole } from '#platform/auth/access-policy';
import { CUSTOMER_ID } from '../../services/identity/src/dev-clients.js';
import { type DevRole, DevTokenClient } from '../../services/identity/src/dev-token-client.js';
import type { RunningIdentityProvider } from '../../services/identity/src/identity-provider.js';

/**
 * Who a test client calls as:
 * - 'request-owner' (the default, for tests whose subject is not access): the player the request
 *   names when the RPC lets that player in, otherwise the first non-player role the RPC allows
 *   (game server, operator, courier, service);
 * - a role or { player } for a fixed identity; { token } for a raw token; 'anonymous' for none.
 */
export type TestIdentity = 'request-owner' | 'anonymous' | Exclude<DevRole, 'player'> | { player: string } | { token: string };

const ROLE_FOR: ReadonlyMap<CallerRole, Exclude<DevRole, 'player'>> = new Map([
  [CallerRole.CALLER_ROLE_GAME_SERVER, 'game-server'],
  [CallerRole.CALLER_ROLE_OPERATOR, 'operator'],
  [CallerRole.CALLER_ROLE_COURIER, 'courier'],
  [CallerRole.CALLER_ROLE_SERVICE, 'service'],
]);

/** The development client that holds one of the roles an RPC allows (not the player's: that needs a customer). */
export function devRoleAllowed(allow: readonly CallerRole[]): Exclude<DevRole, 'player'> | undefined {
  return allow.map((allowed) => ROLE_FOR.get(allowed)).find((found) => found !== undefined);
}

/** Real tokens from a system's embedded provider (cached per identity), and the bad ones the matrix sends. */
export class TestTokens {
  private readonly cache = new Map<string, Promise<string>>();
  private readonly policies = AccessPolicies.load();

  private constructor(
    readonly provider: RunningIdentityProvider,
    private readonly client: DevTokenClient,
  ) {}

  static async for(provider: RunningIdentityProvider): Promise<TestTokens> {
    return new TestTokens(provider, await DevTokenClient.discover(provider.issuer));
  }

  /** A real token: a role's client credentials, or a player's code + PKCE sign-in. */
  token(identity: Exclude<DevRole, 'player'> | { player: string }): Promise<string> {
    const key = typeof identity === 'string' ? identity : `player:${identity.player}`;
    let token = this.cache.get(key);
    if (!token) {
      token = typeof identity === 'string' ? this.client.token(identity) : this.client.playerToken(identity.player);
      token.catch(() => this.cache.delete(key));
      this.cache.set(key, token);
    }
    return token;
  }

  /**
   * Signs these players in (code + PKCE), a few at a time, so a benchmark holds their tokens
   * before it times anything, as a client does before it calls; the tokens by player.
   */
  async signIn(players: readonly string[], inFlight = 8): Promise<Record<string, string>> {
    const tokens: Record<string, string> = {};
    for (let at = 0; at < players.length; at += inFlight)
      await Promise.all(players.slice(at, at + inFlight).map(async (player) => (tokens[player] = await this.token({ player }))));
    return tokens;
  }

  /** The token a request should carry under an identity (undefined: none). */
  async tokenForCall(identity: TestIdentity, path: string, request: unknown): Promise<string | undefined> {
    if (identity === 'anonymous') return undefined;
    if (typeof identity === 'object' && 'token' in identity) return identity.token;
    if (identity !== 'request-owner') return this.token(identity);
    const policy = this.policies.forPath(path);
    if (!policy) return undefined;
    const named = policy.playerOwnsJsonField ? String((request as Record<string, unknown>)[policy.playerOwnsJsonField] ?? '') : '';
    const role = devRoleAllowed(policy.allow);
    if (policy.allow.includes(CallerRole.CALLER_ROLE_PLAYER)) {
      if (CUSTOMER_ID.test(named)) return this.token({ player: named });
      // A malformed (or missing) customer id cannot sign in: validation is what such a test is about.
      if (!role) return this.token({ player: 'test-player' });
    }
    return role ? this.token(role) : undefined;
  }

  /**
   * A client interceptor that sets `authorization` from the request itself. It holds the call's
   * start until the message is there (grpc-js buffers the message and the half-close meanwhile).
   */
  interceptor(identity: TestIdentity): Interceptor {
    // A token held already goes in at the start, as a client holding its token sends it: no
    // waiting for the message (the benches time calls made this way).
    if (typeof identity === 'object' && 'token' in identity) {
      const authorization = `Bearer ${identity.token}`;
      return (options, nextCall) =>
        new InterceptingCall(nextCall(options), {
          start(metadata, listener, next) {
            metadata.set('authorization', authorization);
            next(metadata, listener);
          },
        });
    }
    return (options, nextCall) => {
      let start: { metadata: Metadata; listener: unknown; next: (metadata: Metadata, listener: never) => void } | undefined;
      return new InterceptingCall(nextCall(options), {
        start(metadata, listener, next) {
          start = { metadata, listener, next: next as never };
        },
        sendMessage: (message, next) => {
          this.tokenForCall(identity, options.method_definition.path, message).then(
            (token) => {
              const held = start as NonNullable<typeof start>;
              if (token) held.metadata.set('authorization', `Bearer ${token}`);
              next(message);
              held.next(held.metadata, held.listener as never);
            },
            // No token could be had: the call is answered as a failed sign-in would be.
            (error: Error) =>
              ((start as NonNullable<typeof start>).listener as { onReceiveStatus(status: object): void }).onReceiveStatus({
                code: 16,
                details: `test token: ${error.message}`,
                metadata: new GrpcMetadata(),
              }),
          );
        },
      });
    };
  }

  /** Tokens that must be refused: each wrong in exactly one way, otherwise like a real player's. */
  async badTokens(customerId: string): Promise<Record<BadTokenKind, string>> {
    const real = this.provider.signingKey;
    const key = await importJWK(real, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: customerId, scope: 'player', client_id: 'my-page-web' };
    const sign = (
      overrides: { iss?: string; aud?: string; iat?: number; exp?: number; kid?: string },
      signingKey: CryptoKey | Uint8Array = key as CryptoKey,
    ) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: overrides.kid ?? real.kid })
        .setIssuer(overrides.iss ?? this.provider.issuer)
        .setAudience(overrides.aud ?? this.provider.audience)
        .setIssuedAt(overrides.iat ?? now)
        .setExpirationTime(overrides.exp ?? now + 600)
        .setJti(randomBytes(8).toString('hex'))
        .sign(signingKey);
    const stranger = await generateKeyPair('ES256', { extractable: true });
    const strangerJwk: JWK = await exportJWK(stranger.privateKey);
    const good = await sign({});
    const [header, payload] = good.split('.');
    const unsignedHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: real.kid })).toString('base64url');
    return {
      expired: await sign({ iat: now - 7200, exp: now - 3600 }),
      'wrong issuer': await sign({ iss: 'http://127.0.0.1:1/not-the-issuer' }),
      'wrong audience': await sign({ aud: 'some-other-api' }),
      // Signed by another key under the real kid.
      'bad signature': await sign({}, (await importJWK(strangerJwk, 'ES256')) as CryptoKey),
      'alg none': `${unsignedHeader}.${payload}.`,
      'unknown kid': await sign({ kid: 'not-a-known-kid' }, stranger.privateKey),
      // Kept for completeness of the header check: the real token with its signature torn off.
      'no signature': `${header}.${payload}.`,
    };
  }
}

export type BadTokenKind = 'expired' | 'wrong issuer' | 'wrong audience' | 'bad signature' | 'alg none' | 'unknown kid' | 'no signature';
