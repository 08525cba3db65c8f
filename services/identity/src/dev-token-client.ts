import * as oauth from 'oauth4webapi';
import { CUSTOMER_ID, DEV_SERVICE_CLIENTS, PLAYER_SCOPE, WEB_CLIENT_ID } from './dev-clients.js';

export type DevRole = 'player' | 'game-server' | 'operator' | 'courier' | 'service' | 'platform-admin';

export const DEV_ROLES: readonly DevRole[] = ['player', 'game-server', 'operator', 'courier', 'service', 'platform-admin'];

const CLIENT_OF_ROLE = {
  'game-server': DEV_SERVICE_CLIENTS.gameServer,
  operator: DEV_SERVICE_CLIENTS.operator,
  courier: DEV_SERVICE_CLIENTS.courier,
  service: DEV_SERVICE_CLIENTS.wallet,
  'platform-admin': DEV_SERVICE_CLIENTS.platformAdmin,
} as const;

/** Where the sign-in "returns" to: never served, the helper reads the code off the redirect. */
const REDIRECT_URI = 'http://127.0.0.1:8080/';

/**
 * Real access tokens from the embedded development provider, as its clients get them: client
 * credentials for the game server, operator, courier and services; for a player the whole
 * authorization code + PKCE flow over HTTP, signing in through the development login page
 * with the customer id as the login name.
 */
export class DevTokenClient {
  private constructor(private readonly server: oauth.AuthorizationServer) {}

  /** The audience is the provider's own default resource: clients need not name it. */
  static async discover(issuer: string): Promise<DevTokenClient> {
    const url = new URL(issuer);
    const server = await oauth.processDiscoveryResponse(
      url,
      await oauth.discoveryRequest(url, { [oauth.allowInsecureRequests]: true, algorithm: 'oidc' }),
    );
    return new DevTokenClient(server);
  }

  async token(role: DevRole, customerId?: string): Promise<string> {
    if (role === 'player') {
      if (!customerId || !CUSTOMER_ID.test(customerId))
        throw new Error('a player token needs --customer <id> (1-64 letters, digits, - or _)');
      return this.playerToken(customerId);
    }
    const client = CLIENT_OF_ROLE[role];
    const response = await oauth.clientCredentialsGrantRequest(
      this.server,
      { client_id: client.clientId },
      oauth.ClientSecretBasic(client.clientSecret),
      { scope: client.scope },
      { [oauth.allowInsecureRequests]: true },
    );
    return (await oauth.processClientCredentialsResponse(this.server, { client_id: client.clientId }, response)).access_token;
  }

  /** Authorization code + PKCE, with the development login and consent pages answered over HTTP. */
  async playerToken(customerId: string): Promise<string> {
    const client: oauth.Client = { client_id: WEB_CLIENT_ID };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorize = new URL(this.server.authorization_endpoint as string);
    authorize.search = new URLSearchParams({
      client_id: WEB_CLIENT_ID,
      response_type: 'code',
      scope: PLAYER_SCOPE,
      redirect_uri: REDIRECT_URI,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();

    const browser = new CookieBrowser();
    let location = await browser.get(authorize.toString());
    // Login, then consent: each is a page at /interaction/<uid> answered by a form POST.
    for (let step = 0; step < 6 && !location.startsWith(REDIRECT_URI); step += 1) {
      if (location.includes('/interaction/')) {
        const page = await browser.page(location);
        const prompt = page.includes('name="login"') ? 'login' : 'consent';
        location = await browser.post(location, prompt === 'login' ? { prompt, login: customerId, password: 'any' } : { prompt });
      } else {
        location = await browser.get(location);
      }
    }
    if (!location.startsWith(REDIRECT_URI)) throw new Error(`the development sign-in did not come back with a code (at ${location})`);
    const params = oauth.validateAuthResponse(this.server, client, new URL(location), state);
    const response = await oauth.authorizationCodeGrantRequest(this.server, client, oauth.None(), params, REDIRECT_URI, verifier, {
      [oauth.allowInsecureRequests]: true,
    });
    return (await oauth.processAuthorizationCodeResponse(this.server, client, response)).access_token;
  }
}

/** Just enough of a browser for the sign-in pages: cookies kept by name, redirects not followed. */
class CookieBrowser {
  private readonly cookies = new Map<string, string>();
  private base = '';

  async get(url: string): Promise<string> {
    return this.redirectOf(await this.fetch(url, { method: 'GET' }));
  }

  async page(url: string): Promise<string> {
    const response = await this.fetch(url, { method: 'GET' });
    if (response.status !== 200) throw new Error(`sign-in page ${url} answered ${response.status}`);
    return response.text();
  }

  async post(url: string, form: Record<string, string>): Promise<string> {
    return this.redirectOf(
      await this.fetch(url, {
        method: 'POST',
        body: new URLSearchParams(form),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    const absolute = new URL(url, this.base || undefined);
    this.base = absolute.origin;
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(absolute, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return response;
  }

  private async redirectOf(response: Response): Promise<string> {
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(
        `the development sign-in answered ${response.status} instead of a redirect: ${(await response.text()).slice(0, 300)}`,
      );
    }
    await response.body?.cancel();
    return new URL(location, this.base).toString();
  }
}
