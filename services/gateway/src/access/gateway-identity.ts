import type { PlatformAuth } from '#platform/auth/platform-auth';
import type { GatewayOptions } from '../create-gateway.js';
import { demoMissionsThrough } from '../dev/demo-missions.js';
import type { RateLimitClass, TokenBucketSettings } from './edge-rate-limits.js';

/** The web page's OAuth client (public, code + PKCE) and what it asks for. */
export const WEB_CLIENT_ID = 'my-page-web';
export const WEB_SCOPE = 'openid player';

export interface GatewayIdentityOptions {
  /** The provider's discovery, verifier and token sources (the platform's auth module). */
  readonly auth: PlatformAuth;
  readonly rateLimits?: Readonly<Partial<Record<RateLimitClass, TokenBucketSettings>>>;
  /**
   * The embedded mode's development tool: a game-server client and the mission service to
   * achieve demo missions through. Only with the embedded provider; never with a real one.
   */
  readonly demoMissions?: {
    readonly gameServer: { clientId: string; clientSecret: string; scope: string };
    readonly missionAddress: string;
  };
}

/** What createGateway needs to check tokens, let the page sign in and (embedded) offer the demo mission. */
export function gatewayIdentity(
  options: GatewayIdentityOptions,
): Pick<GatewayOptions, 'access' | 'webSignIn' | 'devTools'> & { close(): void } {
  const verify = (token: string) => options.auth.verifier.verify(token);
  const demo = options.demoMissions
    ? demoMissionsThrough(options.demoMissions.missionAddress, tokenOf(options.auth, options.demoMissions.gameServer))
    : undefined;
  return {
    access: { verify, rateLimits: options.rateLimits },
    webSignIn: { issuer: options.auth.issuer, clientId: WEB_CLIENT_ID, audience: options.auth.audience, scope: WEB_SCOPE },
    devTools: demo ? { verify, achieveDemoMission: demo.achieve } : undefined,
    close: () => demo?.close(),
  };
}

function tokenOf(auth: PlatformAuth, client: { clientId: string; clientSecret: string; scope: string }): () => Promise<string> {
  const source = auth.clientCredentials(client.clientId, client.clientSecret, client.scope);
  return () => source.token();
}
