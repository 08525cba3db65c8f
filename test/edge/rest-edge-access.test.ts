import { expect } from 'chai';
import { AccessPolicies, CallerRole } from '#platform/auth/access-policy';
import { createLogger } from '#platform/logging/logger';
import { eventually } from '#testing/eventually';
import type { RateLimitClass, TokenBucketSettings } from '../../services/gateway/src/access/edge-rate-limits.js';
import { createGateway, type RunningGateway } from '../../services/gateway/src/create-gateway.js';
import { loadDescriptorRegistry } from '../../services/gateway/src/descriptor/descriptor-registry.js';
import type { Route } from '../../services/gateway/src/routing/route-table.js';
import { BAD_TOKEN_KINDS, EdgeTestTokens } from './support/edge-test-tokens.js';
import { RecordingUpstream } from './support/recording-upstream.js';
import { expectError, RestClient, type RestResponse } from './support/rest-client.js';

/**
 * The embedded gateway's identity checks (services/gateway/src/access), which mirror Envoy's
 * jwt_authn, RBAC and local_ratelimit from the same access options: what reaches a service and
 * what is refused at the edge, for every REST binding of every public RPC (enumerated from the
 * descriptor set) x every kind of caller. The services behind are a recording gRPC server, since
 * this is about the edge; the services' own checks (ownership included) have their own matrix.
 * Tokens are real ES256 JWTs checked by the platform's TokenVerifier.
 */

const registry = loadDescriptorRegistry();
const policies = AccessPolicies.fromRegistry(registry);
const SELF = 'edge-player-a';
const OTHER = 'edge-player-b';

type Identity = { name: string; token: () => Promise<string | undefined>; roles: CallerRole[]; valid: boolean };

describe('REST edge access (embedded gateway): tokens, roles per RPC, identity headers, rate limits', function () {
  this.timeout(60_000);

  let tokens: EdgeTestTokens;
  let upstream: RecordingUpstream;
  let gateway: RunningGateway;
  let api: RestClient;
  const started: RunningGateway[] = [];

  const startGateway = async (rateLimits?: Partial<Record<RateLimitClass, TokenBucketSettings>>) => {
    const verifier = tokens.verifier();
    const running = await createGateway({
      upstreams: upstream.upstreams(),
      registry,
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ level: 'silent' }),
      access: { verify: (token) => verifier.verify(token), rateLimits },
    });
    started.push(running);
    return running;
  };

  before(async () => {
    tokens = await EdgeTestTokens.create();
    upstream = await RecordingUpstream.start(registry);
    gateway = await startGateway();
    api = new RestClient(gateway.url);
  });

  after(async () => {
    for (const running of started) await running.stop(100);
    await upstream.stop();
  });

  const identities = (): Identity[] => [
    { name: 'no token', token: async () => undefined, roles: [], valid: true },
    ...BAD_TOKEN_KINDS.map((kind) => ({ name: `${kind} token`, token: () => tokens.bad(kind, SELF), roles: [], valid: false })),
    { name: 'player (self)', token: () => tokens.player(SELF), roles: [CallerRole.CALLER_ROLE_PLAYER], valid: true },
    { name: 'another player', token: () => tokens.player(OTHER), roles: [CallerRole.CALLER_ROLE_PLAYER], valid: true },
    {
      name: 'game server',
      token: () => tokens.client(CallerRole.CALLER_ROLE_GAME_SERVER, 'game-server'),
      roles: [CallerRole.CALLER_ROLE_GAME_SERVER],
      valid: true,
    },
    {
      name: 'operator',
      token: () => tokens.client(CallerRole.CALLER_ROLE_OPERATOR, 'operator-console'),
      roles: [CallerRole.CALLER_ROLE_OPERATOR],
      valid: true,
    },
    {
      name: 'courier',
      token: () => tokens.client(CallerRole.CALLER_ROLE_COURIER, 'courier'),
      roles: [CallerRole.CALLER_ROLE_COURIER],
      valid: true,
    },
    {
      name: 'service',
      token: () => tokens.client(CallerRole.CALLER_ROLE_SERVICE, 'wallet'),
      roles: [CallerRole.CALLER_ROLE_SERVICE],
      valid: true,
    },
  ];

  /** A request for a route: path variables filled (customer ids with SELF), an empty JSON body where one is taken. */
  const requestFor = (route: Route): { method: string; path: string; body?: unknown } => {
    const segments = route.template.source
      .split('/')
      .map((segment) =>
        segment.replace(/\{([a-z_.]+)(=[^}]*)?\}/g, (_all, field: string) => (field === 'customer_id' ? SELF : 'edge-resource-1')),
      );
    return { method: route.httpMethod, path: segments.join('/'), body: route.body ? {} : undefined };
  };

  const call = async (route: Route, token: string | undefined, headers: Record<string, string> = {}): Promise<RestResponse> => {
    const { method, path, body } = requestFor(route);
    return api.send(method, path, body, token === undefined ? headers : { ...headers, authorization: `Bearer ${token}` });
  };

  it('every REST binding of every public RPC x {no token, six bad tokens, player self, another player, game server, operator, courier, service}: 401, 403, or forwarded with the token', async () => {
    const routes = gateway.routes;
    expect(routes.length, 'routes from the descriptor set').to.be.greaterThan(15);
    for (const route of routes) {
      const policy = policies.forPath(route.grpcPath);
      expect(policy, `${route.grpcPath} has an access option`).to.not.equal(undefined);
      const isPublic = policy!.allow.includes(CallerRole.CALLER_ROLE_PUBLIC);
      for (const identity of identities()) {
        const token = await identity.token();
        const where = `${route.httpMethod} ${route.template.source} as ${identity.name}`;
        const before = upstream.calls.length;
        const response = await call(route, token);
        const reached = upstream.calls.slice(before);
        const mayCall = identity.valid && (isPublic || identity.roles.some((role) => policy!.allow.includes(role)));
        if (!identity.valid || (token === undefined && !isPublic)) {
          expectError(response, 401, 16);
          expect(response.headers.get('www-authenticate'), where).to.match(/^Bearer /);
        } else if (!mayCall) {
          expectError(response, 403, 7);
          expect(response.body.message, where).to.include('access denied');
        } else if (route.refusal) {
          // Allowed by its policy (the wallet's service token), but internal: the edge never routes it.
          expectError(response, 403, 7);
          expect(response.body.message, where).to.include('ReserveGift is internal');
        } else {
          expect(response.status, `${where}: ${response.text}`).to.equal(200);
          expect(
            reached.map((c) => c.path),
            where,
          ).to.deep.equal([route.grpcPath]);
          // The service verifies the token again and applies ownership itself.
          expect(reached[0]!.metadata.authorization, where).to.deep.equal(token === undefined ? undefined : [`Bearer ${token}`]);
          continue;
        }
        expect(reached, `${where} reached no service`).to.deep.equal([]);
      }
    }
  });

  it('a credential that is not a Bearer token, or an empty one, is 401, not anonymous', async () => {
    const wallet = gateway.routes.find((route) => route.grpcPath === '/game.wallet.v1.WalletService/GetWallet')!;
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Token ${await tokens.player(SELF)}`]) {
      const { path } = requestFor(wallet);
      expectError(await api.send('GET', path, undefined, { authorization }), 401, 16);
    }
  });

  it('header spoofing: client-sent x-caller-* and x-jwt-* headers change nothing and never reach a service', async () => {
    const spoofed = {
      'x-caller-customer-id': OTHER,
      'x-caller-roles': 'operator',
      'X-Jwt-Sub': OTHER,
      'x-jwt-payload': Buffer.from('{"sub":"x","scope":"operator"}').toString('base64'),
      'x-jwt-scope': 'operator',
    };
    const route = (path: string) => gateway.routes.find((r) => r.grpcPath === path)!;
    // No token, but claims in headers: still 401.
    expectError(await call(route('/game.wallet.v1.WalletService/GetWallet'), undefined, spoofed), 401, 16);
    // A player claiming to be an operator through headers: CreateGift stays refused.
    expectError(await call(route('/game.gift.v1.GiftService/CreateGift'), await tokens.player(SELF), spoofed), 403, 7);
    // Forwarded calls carry the token and none of the headers.
    const before = upstream.calls.length;
    const token = await tokens.player(SELF);
    expect((await call(route('/game.wallet.v1.WalletService/GetWallet'), token, spoofed)).status).to.equal(200);
    const [reached] = upstream.calls.slice(before);
    expect(Object.keys(reached!.metadata).filter((name) => name.startsWith('x-caller-') || name.startsWith('x-jwt-'))).to.deep.equal([]);
    expect(reached!.metadata.authorization).to.deep.equal([`Bearer ${token}`]);
  });

  it("rate limits: a player's writes share one bucket that refuses past its size with 429 + retry-after and refills; other players and reads are not affected", async () => {
    const limited = await startGateway({
      'player-writes': { size: 3, tokensPerRefill: 1, refillIntervalMs: 500 },
      'client-writes': { size: 2, tokensPerRefill: 2, refillIntervalMs: 500 },
    });
    const client = new RestClient(limited.url);
    const route = (path: string) => limited.routes.find((r) => r.grpcPath === path)!;
    const send = async (path: string, token: string) => {
      const { method, path: url, body } = requestFor(route(path));
      return client.send(method, url, body, { authorization: `Bearer ${token}` });
    };
    const markRead = '/game.notification.v1.NotificationService/MarkNotificationsRead';
    const exchange = '/game.wallet.v1.WalletService/ExchangeReward';
    const self = await tokens.player(SELF);

    for (let i = 0; i < 3; i++) expect((await send(markRead, self)).status, `write ${i + 1}`).to.equal(200);
    const before = upstream.calls.length;
    const refused = await send(markRead, self);
    expectError(refused, 429, 8);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 1);
    // The same bucket for every rate-limited write of that player.
    expectError(await send(exchange, self), 429, 8);
    expect(upstream.calls.length - before, 'refused calls reach no service').to.equal(0);
    // Another player has their own bucket; reads are not limited.
    expect((await send(markRead, await tokens.player(OTHER))).status).to.equal(200);
    expect((await send('/game.wallet.v1.WalletService/GetWallet', self)).status).to.equal(200);
    // One token comes back per refill interval.
    await eventually(async () => expect((await send(markRead, self)).status).to.equal(200), { timeoutMs: 5000, intervalMs: 100 });
    expectError(await send(markRead, self), 429, 8);
  });

  it("rate limits: AchieveMission draws from one bucket per client (the game server's), refilled in steps", async () => {
    const limited = await startGateway({ 'client-writes': { size: 2, tokensPerRefill: 2, refillIntervalMs: 500 } });
    const client = new RestClient(limited.url);
    const achieve = limited.routes.find((r) => r.grpcPath === '/game.mission.v1.MissionService/AchieveMission')!;
    const send = async (token: string) => {
      const { method, path, body } = requestFor(achieve);
      return client.send(method, path, body, { authorization: `Bearer ${token}` });
    };
    const gameServer = await tokens.client(CallerRole.CALLER_ROLE_GAME_SERVER, 'game-server');
    expect((await send(gameServer)).status).to.equal(200);
    expect((await send(gameServer)).status).to.equal(200);
    expectError(await send(gameServer), 429, 8);
    expect((await send(await tokens.client(CallerRole.CALLER_ROLE_GAME_SERVER, 'second-game-server'))).status, 'another client').to.equal(
      200,
    );
    await eventually(async () => expect((await send(gameServer)).status).to.equal(200), { timeoutMs: 5000, intervalMs: 100 });
    expect((await send(gameServer)).status, 'the refill added two tokens').to.equal(200);
  });
});
