import * as oauth from 'oauth4webapi';
import type { AuthSettings } from './auth-settings.js';

/**
 * The signed-in player: authorization code + PKCE with oauth4webapi against the configured
 * OpenID Connect provider. The tokens live in this object only (memory): a reload signs in again,
 * which the provider's own session makes a redirect away, with no typing. Only what must survive
 * the redirect to the provider and back (the PKCE verifier, the state, the page to return to) is
 * kept in sessionStorage, and removed on return. When the access token nears expiry it is
 * refreshed with the refresh token; if that fails, the player signs in again.
 */

const PENDING_KEY = 'my-page.sign-in';
/** Refresh this long before the access token expires, so no call goes out with a stale one. */
const REFRESH_EARLY_MS = 30_000;

interface PendingSignIn {
  readonly verifier: string;
  readonly state: string;
  readonly returnTo: string;
}

export interface SignedIn {
  /** The token's subject: the customer id. */
  readonly customerId: string;
}

type Listener = (signedIn: SignedIn | undefined) => void;

export class PlayerSession {
  private accessToken?: string;
  private refreshToken?: string;
  private expiresAt = 0;
  private current?: SignedIn;
  private refreshing?: Promise<boolean>;
  private readonly listeners = new Set<Listener>();

  private constructor(
    private readonly settings: AuthSettings,
    private readonly server: oauth.AuthorizationServer,
    private readonly client: oauth.Client,
  ) {}

  static async discover(settings: AuthSettings): Promise<PlayerSession> {
    const issuer = new URL(settings.issuer);
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecureFor(issuer) });
    const server = await oauth.processDiscoveryResponse(issuer, response);
    return new PlayerSession(settings, server, { client_id: settings.clientId });
  }

  get signedIn(): SignedIn | undefined {
    return this.current;
  }

  get devTools(): boolean {
    return this.settings.devTools;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends the browser to the provider's sign-in page; it comes back to this page with a code. */
  async signIn(): Promise<void> {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const pending: PendingSignIn = { verifier, state, returnTo: location.pathname + location.hash };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(this.server.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: this.settings.clientId,
      redirect_uri: redirectUri(),
      response_type: 'code',
      scope: this.settings.scope,
      ...(this.settings.resource ? { resource: this.settings.resource } : {}),
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    location.assign(url.toString());
  }

  /**
   * On the way back from the provider (?code=...&state=...): the code for tokens. Returns
   * whether this page load was such a return. The code leaves the address bar at once.
   */
  async completeSignIn(): Promise<boolean> {
    const here = new URL(location.href);
    const raw = sessionStorage.getItem(PENDING_KEY);
    if (!here.searchParams.has('state') || raw === null) return false;
    sessionStorage.removeItem(PENDING_KEY);
    const pending = JSON.parse(raw) as PendingSignIn;
    history.replaceState(null, '', pending.returnTo || '/');
    const params = oauth.validateAuthResponse(this.server, this.client, here, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      this.server,
      this.client,
      oauth.None(),
      params,
      redirectUri(),
      pending.verifier,
      {
        ...this.resourceParameter(),
        ...insecureFor(new URL(this.settings.issuer)),
      },
    );
    this.accept(await oauth.processAuthorizationCodeResponse(this.server, this.client, response));
    return true;
  }

  /** The access token for the next call: refreshed first when it is about to expire. */
  async token(): Promise<string | undefined> {
    if (!this.accessToken) return undefined;
    if (Date.now() >= this.expiresAt - REFRESH_EARLY_MS && !(await this.refresh())) return undefined;
    return this.accessToken;
  }

  /**
   * The edge refused the token (401): refresh once; if that fails, the session is over and the
   * player is sent to sign in again. Resolves true when a fresh token is there to retry with.
   */
  async rejected(): Promise<boolean> {
    if (await this.refresh()) return true;
    this.clear();
    await this.signIn();
    return false;
  }

  /** Forgets the tokens (and tells the provider to revoke the refresh token, where it can). */
  signOut(): void {
    const refreshToken = this.refreshToken;
    this.clear();
    if (refreshToken && this.server.revocation_endpoint) {
      void oauth
        .revocationRequest(this.server, this.client, oauth.None(), refreshToken, insecureFor(new URL(this.settings.issuer)))
        .catch(() => undefined);
    }
  }

  private resourceParameter(): { additionalParameters?: Record<string, string> } {
    return this.settings.resource ? { additionalParameters: { resource: this.settings.resource } } : {};
  }

  private refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = this.refreshToken;
      if (!refreshToken) return false;
      try {
        const response = await oauth.refreshTokenGrantRequest(this.server, this.client, oauth.None(), refreshToken, {
          ...this.resourceParameter(),
          ...insecureFor(new URL(this.settings.issuer)),
        });
        this.accept(await oauth.processRefreshTokenResponse(this.server, this.client, response));
        return true;
      } catch {
        return false;
      }
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private accept(tokens: oauth.TokenEndpointResponse): void {
    this.accessToken = tokens.access_token;
    this.refreshToken = tokens.refresh_token ?? this.refreshToken;
    this.expiresAt = Date.now() + (tokens.expires_in ?? 300) * 1000;
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    const customerId = claims?.sub ?? this.current?.customerId;
    if (!customerId) throw new Error('the provider named no subject for this sign-in');
    if (this.current?.customerId !== customerId) {
      this.current = { customerId };
      this.emit();
    }
  }

  private clear(): void {
    this.accessToken = undefined;
    this.refreshToken = undefined;
    this.expiresAt = 0;
    this.current = undefined;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.current);
  }
}

/** The page's own address is where the provider sends the player back. */
function redirectUri(): string {
  return `${location.origin}/`;
}

/** oauth4webapi refuses plain http; the development provider on this machine is plain http. */
function insecureFor(url: URL): { [oauth.allowInsecureRequests]?: boolean } {
  return url.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
}
