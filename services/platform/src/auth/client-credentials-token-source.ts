import * as oauth from 'oauth4webapi';

/** Renew this long before expiry, so a token never expires on the wire (or within Envoy's skew). */
const RENEW_BEFORE_MS = 60_000;

export interface ClientCredentialsOptions {
  clientId: string;
  clientSecret: string;
  scope: string;
  /** The resource (RFC 8707) the token is for: the platform's audience. */
  audience: string;
  httpAllowed: boolean;
}

/**
 * An access token of one OAuth client (client credentials grant, RFC 6749 4.4). Fetched ahead
 * (prefetch) and renewed in the background before it expires, so calls never wait on the
 * provider once the first token is there; concurrent callers share one request.
 */
export class ClientCredentialsTokenSource {
  private current?: { token: string; renewAt: number; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly server: oauth.AuthorizationServer,
    private readonly options: ClientCredentialsOptions,
  ) {}

  async token(): Promise<string> {
    const now = Date.now();
    if (this.current && now < this.current.renewAt) return this.current.token;
    const renewal = this.renew();
    // Still valid: answer with it while the new one is fetched.
    if (this.current && now < this.current.expiresAt - 5_000) {
      renewal.catch(() => {});
      return this.current.token;
    }
    return renewal;
  }

  /** Fetches the first token now (errors are only logged by whoever awaits a later call). */
  prefetch(): void {
    this.renew().catch(() => {});
  }

  private renew(): Promise<string> {
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(): Promise<string> {
    const client: oauth.Client = { client_id: this.options.clientId };
    const auth = oauth.ClientSecretBasic(this.options.clientSecret);
    const insecure = this.options.httpAllowed ? { [oauth.allowInsecureRequests]: true } : {};
    const response = await oauth.clientCredentialsGrantRequest(this.server, client, auth, { scope: this.options.scope }, insecure);
    const result = await oauth.processClientCredentialsResponse(this.server, client, response);
    const lifetimeMs = (result.expires_in ?? 300) * 1000;
    const fetchedAt = Date.now();
    this.current = {
      token: result.access_token,
      renewAt: fetchedAt + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2),
      expiresAt: fetchedAt + lifetimeMs,
    };
    return result.access_token;
  }
}
