import type { AuthConfig } from '#platform/auth/auth-config';
import { PlatformAuth } from '#platform/auth/platform-auth';
import type { Logger } from '#platform/logging/logger';
import { DEV_SERVICE_CLIENTS, WEB_CLIENT_ID } from './dev-clients.js';
import { type RunningIdentityProvider, startIdentityProvider } from './identity-provider.js';

export interface PlatformIdentity {
  readonly auth: PlatformAuth;
  /** The embedded provider, when this process runs it (no AUTH_ISSUER). */
  readonly provider?: RunningIdentityProvider;
  stop(): Promise<void>;
}

/**
 * The identity side of an all-in-one process (npm start, the test harness): with AUTH_ISSUER
 * set, that issuer (discovered); without, the embedded development provider, started here.
 */
export async function platformIdentity(
  config: AuthConfig,
  logger: Logger,
  options: { port?: number; host?: string; issuerHost?: string; clientSecrets?: ReadonlyMap<string, string> } = {},
): Promise<PlatformIdentity> {
  if (config.issuer) {
    const auth = await PlatformAuth.discover({ issuer: config.issuer, audience: config.audience, jwksUrl: config.jwksUrl });
    logger.info('access tokens from an external issuer', { issuer: auth.issuer, audience: auth.audience });
    return { auth, stop: async () => {} };
  }
  const provider = await startIdentityProvider(config, {
    audience: config.audience,
    port: options.port ?? config.identityPort,
    host: options.host,
    issuerHost: options.issuerHost,
    clientSecrets: options.clientSecrets,
  });
  const auth = await PlatformAuth.discover({ issuer: provider.issuer, audience: config.audience, jwksUrl: config.jwksUrl });
  logger.info('embedded development identity provider (set AUTH_ISSUER to use a real one)', {
    issuer: provider.issuer,
    clients: Object.fromEntries(
      Object.values(DEV_SERVICE_CLIENTS).map((client) => {
        // A secret given by its variable is a real one: never logged.
        const secret = options.clientSecrets?.get(client.clientId) ?? client.clientSecret;
        return [
          client.clientId,
          `${secret === client.clientSecret ? `secret ${secret}` : `secret from ${client.secretVariable}`}, scope ${client.scope}`,
        ];
      }),
    ),
    web: `${WEB_CLIENT_ID} (public, code + PKCE; any customer id signs in)`,
  });
  return { auth, provider, stop: () => provider.stop() };
}
