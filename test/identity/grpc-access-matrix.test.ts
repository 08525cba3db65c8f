import { create, type DescMessage, toBinary } from '@bufbuild/protobuf';
import { Client, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { missionAchieved } from '#contracts/events';
import { GiftOrderStatus } from '#contracts/generated/game/gift/v1/gift_service';
import { AccessPolicies, CallerRole, type MethodAccessPolicy } from '#platform/auth/access-policy';
import { rewardInWallet } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { createGift, exchangeReward, orderReaches } from '#testing/exchange-helpers';
import { call, insecure } from '#testing/grpc-call';
import { snapshot } from '#testing/platform-snapshot';
import { EXCHANGE_CHAIN, startPlatform } from '#testing/start-platform';
import type { BadTokenKind } from '#testing/test-identities';
import { TestSystem } from '#testing/test-system';
import { loadDescriptorRegistry } from '../../services/gateway/src/descriptor/descriptor-registry.js';

/**
 * Every RPC of the descriptor (enumerated from it, not listed here) called straight on its
 * service's gRPC port under every kind of caller: no token, six kinds of bad token, the player
 * the request is about, another player, the game server, an operator, a courier and a service.
 * The expected answer comes from the RPC's policy in proto/: a bad or missing token is
 * UNAUTHENTICATED; a role the policy does not allow, or a player naming someone else, is
 * PERMISSION_DENIED; another player reaching the first one's resource by id is NOT_FOUND; an
 * allowed caller gets past the gate (the service answers). The refusals change nothing.
 */

const SELF = 'matrix-self';
const OTHER = 'matrix-other';
const GIFT = 'matrix-gift';

const BAD: readonly BadTokenKind[] = ['expired', 'wrong issuer', 'wrong audience', 'bad signature', 'alg none', 'unknown kid'];
type Who = 'no token' | BadTokenKind | 'player self' | 'other player' | 'game server' | 'operator' | 'courier' | 'service';
const WHO: readonly Who[] = ['no token', ...BAD, 'player self', 'other player', 'game server', 'operator', 'courier', 'service'];

const ROLE_OF: Partial<Record<Who, CallerRole>> = {
  'player self': CallerRole.CALLER_ROLE_PLAYER,
  'other player': CallerRole.CALLER_ROLE_PLAYER,
  'game server': CallerRole.CALLER_ROLE_GAME_SERVER,
  operator: CallerRole.CALLER_ROLE_OPERATOR,
  courier: CallerRole.CALLER_ROLE_COURIER,
  service: CallerRole.CALLER_ROLE_SERVICE,
};

/** The services' module per protobuf package, and where the platform's own admin APIs live. */
const SERVICE_OF_PACKAGE: Record<string, string> = {
  'game.mission.v1': 'mission',
  'game.reward.v1': 'reward',
  'game.wallet.v1': 'wallet',
  'game.gift.v1': 'gift',
  'game.delivery.v1': 'delivery',
  'game.mypage.v1': 'mypage',
  'game.notification.v1': 'notification',
  'game.platform.v1.EventReplayService': 'mission',
  'game.platform.v1.ReadModelAdminService': 'mypage',
};

/** What each caller is expected to get, from the policy alone. */
/** Request fields that reach a customer's own resource by id (a gift in the catalog is nobody's). */
const OWNED_IDS = ['mission_id', 'reward_id', 'order_id', 'delivery_id'];

function expectedAnswer(
  policy: MethodAccessPolicy,
  input: DescMessage,
  who: Who,
): 'unauthenticated' | 'permission-denied' | 'not-found' | 'admitted' {
  const role = ROLE_OF[who];
  if (role === undefined) return 'unauthenticated';
  if (!policy.allow.includes(role)) return 'permission-denied';
  if (who !== 'other player') return 'admitted';
  // The request is about SELF: naming that customer is refused; reaching SELF's resource by id is not found.
  if (policy.playerOwnsField) return 'permission-denied';
  return input.fields.some((field) => OWNED_IDS.includes(field.name)) ? 'not-found' : 'admitted';
}

describe('gRPC access matrix: every RPC x every kind of caller, straight to the services', function () {
  this.timeout(180_000);
  const policies = AccessPolicies.load();
  const registry = loadDescriptorRegistry();
  let system: TestSystem;
  const tokens = new Map<Who, string | undefined>();
  const ids: Record<string, string> = {};

  before(async () => {
    system = await TestSystem.create('servers');
    await startPlatform(system, [...EXCHANGE_CHAIN, 'mypage', 'notification']);

    // SELF's data, so that requests by id name something that exists and is SELF's.
    await createGift(system, GIFT, 100);
    ids.reward_id = await rewardInWallet(system, SELF, 'matrix-mission');
    const exchange = await exchangeReward(system, SELF, ids.reward_id, GIFT);
    ids.order_id = exchange.orderId;
    await orderReaches(system, ids.order_id, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
    const deliveries = system.deliveryClient();
    ids.delivery_id = (await eventually(() => call(deliveries, deliveries.getOrderDelivery, { orderId: ids.order_id }))).deliveryId;
    const [mission] = await system.query<{ id: string }>(`select id from mission.missions where customer_id = '${SELF}'`);
    ids.mission_id = mission.id;
    // The events of all that have been applied everywhere before the snapshots are taken.
    await eventually(async () => expect(await system.count('mypage.pages', `customer_id = '${SELF}'`)).to.equal(1), { timeoutMs: 20_000 });
    await eventually(async () => expect(await system.count('notification.notifications', `customer_id = '${SELF}'`)).to.be.greaterThan(2), {
      timeoutMs: 20_000,
    });

    const bad = await system.tokens.badTokens(SELF);
    tokens.set('no token', undefined);
    for (const kind of BAD) tokens.set(kind, bad[kind]);
    tokens.set('player self', await system.tokens.token({ player: SELF }));
    tokens.set('other player', await system.tokens.token({ player: OTHER }));
    tokens.set('game server', await system.tokens.token('game-server'));
    tokens.set('operator', await system.tokens.token('operator'));
    tokens.set('courier', await system.tokens.token('courier'));
    tokens.set('service', await system.tokens.token('service'));
  });

  after(async () => {
    await system?.close();
  });

  /** A request every field of which names SELF's things (or something harmless). */
  function requestFor(input: DescMessage): Uint8Array {
    const values: Record<string, unknown> = {
      customer_id: SELF,
      mission_id: ids.mission_id,
      reward_id: ids.reward_id,
      order_id: ids.order_id,
      delivery_id: ids.delivery_id,
      gift_id: GIFT,
      event_code: 'matrix-event',
      mission_code: 'matrix-again',
      idempotency_key: 'matrix-key',
      name: 'Matrix gift',
      stock_count: 100,
      target_queue: 'mypage',
      routing_keys: [missionAchieved.routingKey],
    };
    const init: Record<string, unknown> = {};
    for (const field of input.fields) if (field.name in values) init[field.localName] = values[field.name];
    return toBinary(input, create(input, init as never));
  }

  function callRaw(path: string, body: Uint8Array, token: string | undefined): Promise<status> {
    const [, service] = path.split('/');
    const owner = SERVICE_OF_PACKAGE[service] ?? SERVICE_OF_PACKAGE[service.slice(0, service.lastIndexOf('.'))];
    const client = new Client(system.address(owner), insecure());
    const metadata = new Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        path,
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => b,
        body,
        metadata,
        { deadline: Date.now() + 10_000 },
        (error: ServiceError | null) => {
          client.close();
          resolve(error ? error.code : status.OK);
        },
      );
    });
  }

  const paths = policies.platformPaths();

  it('covers every RPC of the descriptor, each with a policy', () => {
    expect(paths.length).to.be.greaterThan(20);
    for (const path of paths) expect(policies.forPath(path), path).to.not.equal(undefined);
  });

  it('answers each caller as the policy says, and the refusals change nothing', async () => {
    const plan = paths.flatMap((path) =>
      WHO.map((who) => ({ path, who, expected: expectedAnswer(policies.forPath(path) as MethodAccessPolicy, inputOf(path), who) })),
    );
    const refused = plan.filter((entry) => entry.expected === 'unauthenticated' || entry.expected === 'permission-denied');
    const before = await snapshot(system);
    const mismatches: string[] = [];
    for (const { path, who, expected } of refused) {
      const code = await callRaw(path, requestFor(inputOf(path)), tokens.get(who));
      const wanted = expected === 'unauthenticated' ? status.UNAUTHENTICATED : status.PERMISSION_DENIED;
      if (code !== wanted) mismatches.push(`${path} as ${who}: ${status[code]}, expected ${status[wanted]}`);
    }
    expect(mismatches).to.deep.equal([]);
    expect(await snapshot(system), 'what the refused calls left behind').to.deep.equal(before);

    // Other players reaching SELF's resources by id: NOT_FOUND (reads and writes alike).
    for (const { path, who } of plan.filter((entry) => entry.expected === 'not-found')) {
      const code = await callRaw(path, requestFor(inputOf(path)), tokens.get(who));
      if (code !== status.NOT_FOUND) mismatches.push(`${path} as ${who}: ${status[code]}, expected NOT_FOUND`);
    }
    expect(mismatches).to.deep.equal([]);
    expect(await snapshot(system), 'what the not-found calls left behind').to.deep.equal(before);

    // The callers the policy lets in reach the service (whatever it then answers).
    for (const { path, who } of plan.filter((entry) => entry.expected === 'admitted')) {
      const code = await callRaw(path, requestFor(inputOf(path)), tokens.get(who));
      if (code === status.UNAUTHENTICATED || code === status.PERMISSION_DENIED)
        mismatches.push(`${path} as ${who}: ${status[code]}, expected to be let in`);
    }
    expect(mismatches).to.deep.equal([]);
    expect(plan.filter((entry) => entry.expected === 'admitted').length).to.be.greaterThan(paths.length);
  });

  it('serves the player their own resources by id (GetMission, GetReward, GetGiftOrder, GetDelivery)', async () => {
    for (const path of [
      '/game.mission.v1.MissionService/GetMission',
      '/game.reward.v1.RewardService/GetReward',
      '/game.gift.v1.GiftService/GetGiftOrder',
      '/game.delivery.v1.DeliveryService/GetDelivery',
    ]) {
      expect(status[await callRaw(path, requestFor(inputOf(path)), tokens.get('player self'))], path).to.equal('OK');
    }
  });

  function inputOf(path: string): DescMessage {
    const [, service, method] = path.split('/');
    const found = registry.getService(service)?.methods.find((m) => m.name === method);
    if (!found) throw new Error(`no ${path} in the descriptor`);
    return found.input;
  }
});
