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
 * An access token of one OAuth client (client credentials grant, RFC 6749 4.4), cached until
 * shortly before it expires; concurrent callers share one request.
 */
export class ClientCredentialsTokenSource {
  private current?: { token: string; renewAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly server: oauth.AuthorizationServer,
    private readonly options: ClientCredentialsOptions,
  ) {}

  async token(): Promise<string> {
    if (this.current && Date.now() < this.current.renewAt) return this.current.token;
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
    this.current = { token: result.access_token, renewAt: Date.now() + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2) };
    return result.access_token;
  }
}
