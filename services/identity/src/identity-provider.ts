import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { Configuration, errors as OidcErrors } from 'oidc-provider';
import type { AuthConfig } from '#platform/auth/auth-config';
import { ROLE_SCOPES } from '#platform/auth/caller';
import { CUSTOMER_ID, DEV_SERVICE_CLIENTS, WEB_CLIENT_ID } from './dev-clients.js';

export interface RunningIdentityProvider {
  readonly issuer: string;
  readonly port: number;
  readonly audience: string;
  /** The private signing key: only for tests that forge bad tokens with the right kid. */
  readonly signingKey: JWK;
  stop(): Promise<void>;
}

export interface IdentityProviderOptions {
  audience: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Host name in the issuer URL (default localhost). */
  issuerHost?: string;
  accessTokenTtlSeconds?: number;
  /** Client id -> secret for the development clients (devClientSecrets); default the public ones. */
  clientSecrets?: ReadonlyMap<string, string>;
}

/** A loopback web origin on any port (the gateway's port moves: tests, GATEWAY_PORT). */
const LOOPBACK_REDIRECT = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//;

/**
 * The embedded OpenID Connect provider (oidc-provider): discovery, JWKS, client credentials for
 * the development clients and authorization code + PKCE for players through oidc-provider's
 * development sign-in pages (any customer id signs in). Access tokens are JWTs (RFC 9068) for
 * the platform's audience, signed ES256 by a key made at start, with its kid.
 * Refused when AUTH_ISSUER is set: then a real provider issues the tokens.
 */
export async function startIdentityProvider(auth: AuthConfig, options: IdentityProviderOptions): Promise<RunningIdentityProvider> {
  if (auth.issuer)
    throw new Error(
      `AUTH_ISSUER is ${auth.issuer}: the embedded development identity provider is refused when a real issuer is configured`,
    );
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingKey: JWK = { ...(await exportJWK(privateKey)), kid: `dev-${randomBytes(6).toString('hex')}`, alg: 'ES256', use: 'sig' };

  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${options.issuerHost ?? 'localhost'}:${port}`;
  // Loaded only when the embedded provider starts: importing oidc-provider prints a runtime
  // warning on Node 20, which must not come before a start-up error's one line.
  const { default: OidcProvider, errors } = await import('oidc-provider');
  const provider = new OidcProvider(issuer, providerConfiguration(options, signingKey, errors));
  allowLoopbackRedirects(provider);
  server.on('request', provider.callback());

  return {
    issuer,
    port,
    audience: options.audience,
    signingKey,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * RFC 8707 wants resource indicators to be absolute URIs; the audience (`aud`) need not be one.
 * Clients ask for no resource: this default one applies.
 */
export function resourceIndicatorOf(audience: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(audience) ? audience : `urn:${audience}`;
}

function providerConfiguration(options: IdentityProviderOptions, signingKey: JWK, errors: typeof OidcErrors): Configuration {
  const resource = resourceIndicatorOf(options.audience);
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const resourceScopes = [...ROLE_SCOPES.values()].join(' ');
  return {
    clients: [
      ...Object.values(DEV_SERVICE_CLIENTS).map((client) => ({
        client_id: client.clientId,
        client_secret: options.clientSecrets?.get(client.clientId) ?? client.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic' as const,
        scope: client.scope,
        id_token_signed_response_alg: 'ES256' as const,
      })),
      {
        client_id: WEB_CLIENT_ID,
        token_endpoint_auth_method: 'none' as const,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['http://localhost:8080/'],
        scope: 'openid player offline_access',
        id_token_signed_response_alg: 'ES256' as const,
      },
    ],
    scopes: ['openid', 'offline_access', ...ROLE_SCOPES.values()],
    claims: { openid: ['sub'] },
    jwks: { keys: [signingKey as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    async findAccount(_ctx, id) {
      if (!CUSTOMER_ID.test(id)) return undefined;
      return { accountId: id, claims: () => ({ sub: id }) };
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, indicator) {
          if (indicator !== resource) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return {
            audience: options.audience,
            scope: resourceScopes,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ttl,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      Session: 24 * 3600,
      Interaction: 600,
      Grant: 24 * 3600,
      IdToken: 3600,
      AuthorizationCode: 60,
      RefreshToken: 24 * 3600,
    },
    // The web page exchanges its code (and refreshes) from the gateway's origin: a loopback origin on
    // whatever port the gateway has (tests, GATEWAY_PORT), as its redirects are. oidc-provider's
    // default allows only the registered redirect URIs' origins.
    clientBasedCORS: (_ctx, origin, client) => client.clientId === WEB_CLIENT_ID && LOOPBACK_REDIRECT.test(`${origin}/`),
    // A refresh token for the web page, which keeps its token in memory only.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  };
}

/**
 * The web client may come back to any loopback origin (the gateway listens wherever
 * GATEWAY_PORT says, tests on a free port), the way native-app loopback redirects work
 * (RFC 8252 7.3). Development only: this provider never runs beside a real issuer.
 */
function allowLoopbackRedirects(provider: Provider): void {
  const original = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(this: { clientId: string }, redirectUri: string) {
    if (this.clientId === WEB_CLIENT_ID && LOOPBACK_REDIRECT.test(redirectUri)) return true;
    return original.call(this, redirectUri);
  };
}
