import { type Env, readInt, readOptionalString, readString } from '../config/env-reader.js';

/** Where access tokens come from and whom they are for (docs/identity.md). */
export interface AuthConfig {
  /** The OpenID Connect issuer. Absent: the embedded development provider is started and used. */
  issuer?: string;
  /** The `aud` every access token must carry. */
  audience: string;
  /** Overrides the issuer's jwks_uri (e.g. an in-cluster address of the provider). */
  jwksUrl?: string;
  /** The embedded provider's HTTP port (its issuer is http://localhost:<port>). */
  identityPort: number;
}

export const DEFAULT_AUDIENCE = 'game-event-rewards';
export const DEFAULT_IDENTITY_PORT = 8090;

export function readAuthConfig(env: Env = process.env): AuthConfig {
  return {
    issuer: readOptionalString(env, 'AUTH_ISSUER'),
    audience: readString(env, 'AUTH_AUDIENCE', DEFAULT_AUDIENCE),
    jwksUrl: readOptionalString(env, 'AUTH_JWKS_URL'),
    identityPort: readInt(env, 'IDENTITY_PORT', DEFAULT_IDENTITY_PORT, { min: 0, max: 65535 }),
  };
}
