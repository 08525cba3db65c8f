import { expect } from 'chai';
import { GiftOrderStatus } from '#contracts/generated/game/gift/v1/gift_service';
import { rewardInWallet } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { createGift, exchangeReward, orderReaches } from '#testing/exchange-helpers';
import { call } from '#testing/grpc-call';
import {
  deliveryModule,
  giftModule,
  missionModule,
  myPageModule,
  notificationModule,
  rewardModule,
  walletModule,
} from '#testing/platform-modules';
import { snapshot } from '#testing/platform-snapshot';
import { TestSystem } from '#testing/test-system';
import { expectError, RestClient, type RestResponse } from './support/rest-client.js';

/**
 * The scenarios at the top of issue 11 tried again as reported, "as a new user would, through
 * the REST edge": the embedded gateway (Envoy's stand-in, the same access options) in front of
 * the real services, each refused with a clear 401, 403 or 404 that changes nothing, while the
 * right caller still gets through. (test/identity/issue-scenarios.test.ts tries the same on the
 * services' own gRPC ports.)
 */
describe('issue 11 scenarios through the REST edge (embedded gateway + the real services), now refused', function () {
  this.timeout(120_000);
  const VICTIM = 'rest-victim';
  const INTRUDER = 'rest-intruder';
  let system: TestSystem;
  let api: RestClient;
  let spareRewardId: string;
  let orderId: string;
  let deliveryId: string;
  let baseline: Record<string, number>;
  const bearer = async (who: Parameters<TestSystem['tokens']['token']>[0]) => ({
    authorization: `Bearer ${await system.tokens.token(who)}`,
  });
  const as = async (who: Parameters<TestSystem['tokens']['token']>[0], method: string, path: string, body?: unknown) =>
    api.send(method, path, body ?? (method === 'POST' ? {} : undefined), await bearer(who));

  before(async () => {
    system = await TestSystem.create('servers');
    for (const module of [myPageModule, notificationModule, deliveryModule, giftModule, rewardModule]) await system.start(module as never);
    await system.start(walletModule, { overrides: { config: { giftAddress: system.address('gift') } } });
    await system.start(missionModule);
    api = new RestClient((await system.startGateway()).url);
    await createGift(system, 'rest-gift', 10);
    const rewardId = await rewardInWallet(system, VICTIM, 'rest-1');
    spareRewardId = await rewardInWallet(system, VICTIM, 'rest-2');
    orderId = (await exchangeReward(system, VICTIM, rewardId, 'rest-gift')).orderId;
    await orderReaches(system, orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
    const deliveries = system.deliveryClient();
    deliveryId = (await eventually(() => call(deliveries, deliveries.getOrderDelivery, { orderId }))).deliveryId;
    await eventually(async () => expect(await system.count('mypage.pages', `customer_id = '${VICTIM}'`)).to.equal(1), {
      timeoutMs: 20_000,
    });
  });

  beforeEach(async () => {
    baseline = await snapshot(system);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'passed') expect(await snapshot(system), 'the refused call changed nothing').to.deep.equal(baseline);
  });

  after(async () => {
    await system?.close();
  });

  const intruder = { player: INTRUDER } as const;
  const denied = (response: RestResponse) => expectError(response, 403, 7);

  it("any caller reads any customer's wallet, My Page, notifications and orders: now 403 for another player", async () => {
    for (const path of [
      `/v1/wallets/${VICTIM}`,
      `/v1/customers/${VICTIM}/my-page`,
      `/v1/customers/${VICTIM}/notifications`,
      `/v1/customers/${VICTIM}/gift-orders`,
      `/v1/customers/${VICTIM}/rewards`,
      `/v1/customers/${VICTIM}/missions`,
    ])
      denied(await as(intruder, 'GET', path));
    // By id, another player's order and delivery do not exist for them.
    expectError(await as(intruder, 'GET', `/v1/gift-orders/${orderId}`), 404, 5);
    expectError(await as(intruder, 'GET', `/v1/deliveries/${deliveryId}`), 404, 5);
  });

  it("POST /v1/wallets/{someone-else}/rewards/{id}:exchange answered 200: now 403, and 404 under the intruder's own id", async () => {
    const body = { giftId: 'rest-gift', idempotencyKey: 'rest-steal-1' };
    denied(await as(intruder, 'POST', `/v1/wallets/${VICTIM}/rewards/${spareRewardId}:exchange`, body));
    expectError(await as(intruder, 'POST', `/v1/wallets/${INTRUDER}/rewards/${spareRewardId}:exchange`, body), 404, 5);
  });

  it("cancelling another customer's order by putting their id in the body: now 403 (404 with one's own id)", async () => {
    denied(await as(intruder, 'POST', `/v1/gift-orders/${orderId}:cancel`, { customerId: VICTIM }));
    expectError(await as(intruder, 'POST', `/v1/gift-orders/${orderId}:cancel`, { customerId: INTRUDER }), 404, 5);
  });

  it('achieving missions for anyone (minting rewards): now 403 for a player, for anyone or themselves', async () => {
    for (const customerId of [VICTIM, INTRUDER])
      denied(await as(intruder, 'POST', '/v1/missions', { customerId, eventCode: 'e', missionCode: 'free-reward' }));
  });

  it('creating gifts and setting stock: now 403 for a player', async () => {
    denied(await as(intruder, 'POST', '/v1/gifts', { giftId: 'free-gift', name: 'Free', stockCount: 1000 }));
    denied(await as(intruder, 'POST', '/v1/gifts/rest-gift:setStock', { stockCount: 1000 }));
  });

  it('completing any delivery: now 403 for a player, the customer and an operator', async () => {
    for (const who of [intruder, { player: VICTIM }, 'operator'] as const)
      denied(await as(who, 'POST', `/v1/deliveries/${deliveryId}:complete`));
  });

  it('a made-up bearer token was ignored: now 401, as is no token at all', async () => {
    expectError(await api.send('GET', `/v1/wallets/${VICTIM}`, undefined, { authorization: 'Bearer made-up-token' }), 401, 16);
    expectError(await api.get(`/v1/wallets/${VICTIM}`), 401, 16);
  });

  it('the platform admin APIs are not exposed at the edge at all (404), and ReserveGift is refused there (403), to players and operators', async () => {
    for (const who of [intruder, 'operator'] as const) {
      expectError(await as(who, 'POST', '/v1/platform/read-model:reset'), 404, 5);
      expectError(await as(who, 'POST', '/v1/platform/event-replays'), 404, 5);
      denied(await as(who, 'POST', '/v1/gift-orders:reserve', { giftId: 'rest-gift', customerId: INTRUDER, rewardId: 'x' }));
    }
  });

  it('the same API still works for the right caller: the customer and an operator read the wallet', async () => {
    for (const who of [{ player: VICTIM }, 'operator'] as const) {
      const response = await as(who, 'GET', `/v1/wallets/${VICTIM}`);
      expect(response.status, response.text).to.equal(200);
      expect(JSON.stringify(response.body)).to.include(spareRewardId);
    }
  });
});
