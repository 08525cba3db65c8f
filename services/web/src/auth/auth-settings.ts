/**
 * Where the page signs in: served by the edge at /auth/config.json (the embedded gateway from its
 * provider, the web server behind Envoy from AUTH_ISSUER / AUTH_AUDIENCE), so one bundle works
 * against the embedded provider and against Keycloak, Dex or any other.
 */
export interface AuthSettings {
  /** The OpenID Connect issuer (discovery at <issuer>/.well-known/openid-configuration). */
  readonly issuer: string;
  /** The public client (authorization code + PKCE, no secret). */
  readonly clientId: string;
  /** The API the access token is for (the token's aud). */
  readonly audience: string;
  /**
   * RFC 8707 resource indicator to ask for, where the provider wants one (an absolute URI);
   * absent, the provider's default resource applies (the embedded provider's).
   */
  readonly resource?: string;
  readonly scope: string;
  /** Development tools (the demo mission) are offered: only the embedded mode says so. */
  readonly devTools: boolean;
}

export const AUTH_SETTINGS_PATH = '/auth/config.json';

export async function loadAuthSettings(): Promise<AuthSettings> {
  const response = await fetch(AUTH_SETTINGS_PATH, { cache: 'no-store', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`sign-in settings unavailable (HTTP ${response.status})`);
  return (await response.json()) as AuthSettings;
}
