import * as oauth from 'oauth4webapi';
import type { AuthConfig } from './auth-config.js';
import { ClientCredentialsTokenSource } from './client-credentials-token-source.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * A service's view of the identity provider: the verifier for incoming calls and tokens for
 * its own outgoing ones. Built from the issuer's OpenID Connect discovery, the same for the
 * embedded development provider and for Keycloak, Dex or any other.
 */
export class PlatformAuth {
  private constructor(
    readonly issuer: string,
    readonly audience: string,
    readonly verifier: TokenVerifier,
    private readonly server: oauth.AuthorizationServer,
  ) {}

  static async discover(config: Pick<AuthConfig, 'audience' | 'jwksUrl'> & { issuer: string }): Promise<PlatformAuth> {
    const issuer = new URL(config.issuer);
    const options = httpAllowed(issuer);
    const server = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' }));
    const jwksUrl = config.jwksUrl ?? server.jwks_uri;
    if (!jwksUrl) throw new Error(`the issuer ${config.issuer} announces no jwks_uri; set AUTH_JWKS_URL`);
    return new PlatformAuth(server.issuer, config.audience, TokenVerifier.remote(server.issuer, config.audience, jwksUrl), server);
  }

  /** This service's own tokens (client credentials), fetched when needed and renewed before they expire. */
  clientCredentials(clientId: string, clientSecret: string, scope: string): ClientCredentialsTokenSource {
    return new ClientCredentialsTokenSource(this.server, {
      clientId,
      clientSecret,
      scope,
      audience: this.audience,
      httpAllowed: isHttp(new URL(this.issuer)),
    });
  }
}

function isHttp(url: URL): boolean {
  return url.protocol === 'http:';
}

/** oauth4webapi insists on https; the development provider on this machine is plain http. */
function httpAllowed(url: URL): { [oauth.allowInsecureRequests]?: boolean } {
  return isHttp(url) ? { [oauth.allowInsecureRequests]: true } : {};
}
