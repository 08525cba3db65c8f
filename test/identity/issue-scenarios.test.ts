import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { GiftOrderStatus } from '#contracts/generated/game/gift/v1/gift_service';
import { rewardInWallet } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { createGift, exchangeReward, orderReaches } from '#testing/exchange-helpers';
import { call } from '#testing/grpc-call';
import { snapshot } from '#testing/platform-snapshot';
import { EXCHANGE_CHAIN, startPlatform } from '#testing/start-platform';
import { TestSystem } from '#testing/test-system';

/**
 * The scenarios at the top of issue 11, each tried again as it was reported, straight to the
 * services' gRPC ports: each is now refused with UNAUTHENTICATED, PERMISSION_DENIED or
 * NOT_FOUND, and changes nothing.
 */
describe("issue 11 scenarios, now refused (gRPC, on the services' own ports)", function () {
  this.timeout(120_000);
  const VICTIM = 'scenario-victim';
  const INTRUDER = 'scenario-intruder';
  let system: TestSystem;
  let rewardId: string;
  let spareRewardId: string;
  let orderId: string;
  let deliveryId: string;
  let baseline: Record<string, number>;

  before(async () => {
    system = await TestSystem.create('servers');
    await startPlatform(system, [...EXCHANGE_CHAIN, 'mypage', 'notification']);
    await createGift(system, 'scenario-gift', 10);
    rewardId = await rewardInWallet(system, VICTIM, 'scenario-1');
    spareRewardId = await rewardInWallet(system, VICTIM, 'scenario-2');
    orderId = (await exchangeReward(system, VICTIM, rewardId, 'scenario-gift')).orderId;
    await orderReaches(system, orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
    const deliveries = system.deliveryClient();
    deliveryId = (await eventually(() => call(deliveries, deliveries.getOrderDelivery, { orderId }))).deliveryId;
    await eventually(async () => expect(await system.count('mypage.pages', `customer_id = '${VICTIM}'`)).to.equal(1), {
      timeoutMs: 20_000,
    });
    await eventually(
      async () => expect(await system.count('notification.notifications', `customer_id = '${VICTIM}'`)).to.be.greaterThan(2),
      { timeoutMs: 20_000 },
    );
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

  async function refused<T>(attempt: Promise<T>): Promise<ServiceError> {
    try {
      await attempt;
    } catch (error) {
      return error as ServiceError;
    }
    throw new Error('the call was answered, not refused');
  }

  function expectCode(error: ServiceError, code: status): void {
    expect(status[error.code], error.details).to.equal(status[code]);
  }

  it("another player reads no one else's wallet, My Page, notifications or orders (PERMISSION_DENIED)", async () => {
    const wallets = system.walletClient(undefined, intruder);
    const pages = system.myPageClient(undefined, intruder);
    const notices = system.notificationClient(undefined, intruder);
    const gifts = system.giftClient(undefined, intruder);
    expectCode(await refused(call(wallets, wallets.getWallet, { customerId: VICTIM })), status.PERMISSION_DENIED);
    expectCode(await refused(call(pages, pages.getMyPage, { customerId: VICTIM, knownVersion: 0 })), status.PERMISSION_DENIED);
    expectCode(
      await refused(call(notices, notices.listNotifications, { customerId: VICTIM, pageSize: 0, pageToken: '', unreadOnly: false })),
      status.PERMISSION_DENIED,
    );
    expectCode(
      await refused(call(gifts, gifts.listGiftOrders, { customerId: VICTIM, pageSize: 0, pageToken: '' })),
      status.PERMISSION_DENIED,
    );
    // By id, someone else's order does not exist for them.
    expectCode(await refused(call(gifts, gifts.getGiftOrder, { orderId })), status.NOT_FOUND);
  });

  it('nobody reads a wallet without a token (UNAUTHENTICATED)', async () => {
    const wallets = system.walletClient(undefined, 'anonymous');
    expectCode(await refused(call(wallets, wallets.getWallet, { customerId: VICTIM })), status.UNAUTHENTICATED);
  });

  it("another player cannot spend someone else's reward, naming them (PERMISSION_DENIED) or themselves (NOT_FOUND)", async () => {
    const wallets = system.walletClient(undefined, intruder);
    expectCode(
      await refused(
        call(wallets, wallets.exchangeReward, {
          customerId: VICTIM,
          rewardId: spareRewardId,
          giftId: 'scenario-gift',
          idempotencyKey: 'steal-1',
        }),
      ),
      status.PERMISSION_DENIED,
    );
    expectCode(
      await refused(
        call(wallets, wallets.exchangeReward, {
          customerId: INTRUDER,
          rewardId: spareRewardId,
          giftId: 'scenario-gift',
          idempotencyKey: 'steal-2',
        }),
      ),
      status.NOT_FOUND,
    );
  });

  it("another player cannot cancel someone else's order by putting their id in the body (PERMISSION_DENIED), nor by their own (NOT_FOUND)", async () => {
    const gifts = system.giftClient(undefined, intruder);
    expectCode(await refused(call(gifts, gifts.cancelGiftOrder, { orderId, customerId: VICTIM })), status.PERMISSION_DENIED);
    expectCode(await refused(call(gifts, gifts.cancelGiftOrder, { orderId, customerId: INTRUDER })), status.NOT_FOUND);
  });

  it('a player cannot achieve missions, for anyone or themselves (PERMISSION_DENIED): only the game server mints rewards', async () => {
    const missions = system.missionClient(undefined, intruder);
    expectCode(
      await refused(call(missions, missions.achieveMission, { customerId: VICTIM, eventCode: 'e', missionCode: 'free-reward' })),
      status.PERMISSION_DENIED,
    );
    expectCode(
      await refused(call(missions, missions.achieveMission, { customerId: INTRUDER, eventCode: 'e', missionCode: 'free-reward' })),
      status.PERMISSION_DENIED,
    );
  });

  it('a player cannot create gifts or set stock (PERMISSION_DENIED)', async () => {
    const gifts = system.giftClient(undefined, intruder);
    expectCode(
      await refused(call(gifts, gifts.createGift, { giftId: 'free-gift', name: 'Free', stockCount: 1000 })),
      status.PERMISSION_DENIED,
    );
    expectCode(await refused(call(gifts, gifts.setGiftStock, { giftId: 'scenario-gift', stockCount: 1000 })), status.PERMISSION_DENIED);
  });

  it('a player (or an operator) cannot complete a delivery (PERMISSION_DENIED): only the courier', async () => {
    for (const who of [intruder, { player: VICTIM }, 'operator'] as const) {
      const deliveries = system.deliveryClient(undefined, who);
      expectCode(await refused(call(deliveries, deliveries.completeDelivery, { deliveryId })), status.PERMISSION_DENIED);
    }
  });

  it('a made-up bearer token is not ignored: UNAUTHENTICATED', async () => {
    const wallets = system.walletClient(undefined, { token: 'made-up-token' });
    expectCode(await refused(call(wallets, wallets.getWallet, { customerId: VICTIM })), status.UNAUTHENTICATED);
    const forged = system.walletClient(undefined, { token: (await system.tokens.badTokens(VICTIM))['bad signature'] });
    expectCode(await refused(call(forged, forged.getWallet, { customerId: VICTIM })), status.UNAUTHENTICATED);
  });

  it("ReserveGift on the gift service's own port answers services only: players, operators and no token are refused", async () => {
    const reserve = {
      orderId: '0b8f5c1e-3b1a-4c53-9d51-3f7e2a9c4d10',
      customerId: INTRUDER,
      giftId: 'scenario-gift',
      rewardId: spareRewardId,
    };
    for (const [who, code] of [
      [intruder, status.PERMISSION_DENIED],
      ['operator', status.PERMISSION_DENIED],
      ['anonymous', status.UNAUTHENTICATED],
    ] as const) {
      const gifts = system.giftClient(undefined, who);
      expectCode(await refused(call(gifts, gifts.reserveGift, reserve)), code);
    }
  });

  it('ResetReadModel and ReplayEvents answer services only: players, operators and no token are refused', async () => {
    for (const [who, code] of [
      [intruder, status.PERMISSION_DENIED],
      ['operator', status.PERMISSION_DENIED],
      ['anonymous', status.UNAUTHENTICATED],
    ] as const) {
      const admin = system.readModelAdminClient(undefined, who);
      expectCode(await refused(call(admin, admin.resetReadModel, {})), code);
      const replay = system.eventReplayClient(system.address('mission'), who);
      expectCode(await refused(call(replay, replay.replayEvents, { targetQueue: 'mypage', routingKeys: ['#'] })), code);
    }
  });

  it('spoofed identity metadata changes nothing: x-caller-* / x-jwt-* are not an identity', async () => {
    const spoof = new Metadata();
    spoof.set('x-caller-customer-id', VICTIM);
    spoof.set('x-caller-role', 'operator');
    spoof.set('x-jwt-payload', Buffer.from(JSON.stringify({ sub: VICTIM, scope: 'operator service' })).toString('base64url'));
    const anonymous = system.walletClient(undefined, 'anonymous');
    expectCode(await refused(call(anonymous, anonymous.getWallet, { customerId: VICTIM }, spoof)), status.UNAUTHENTICATED);
    const wallets = system.walletClient(undefined, intruder);
    expectCode(await refused(call(wallets, wallets.getWallet, { customerId: VICTIM }, spoof)), status.PERMISSION_DENIED);
    const admin = system.readModelAdminClient(undefined, intruder);
    expectCode(await refused(call(admin, admin.resetReadModel, {}, spoof)), status.PERMISSION_DENIED);
  });

  it('the right callers still get through: the victim and an operator read the wallet', async () => {
    const wallets = system.walletClient(undefined, { player: VICTIM });
    expect((await call(wallets, wallets.getWallet, { customerId: VICTIM })).customerId).to.equal(VICTIM);
    const operator = system.walletClient(undefined, 'operator');
    expect((await call(operator, operator.getWallet, { customerId: VICTIM })).rewards).to.have.length(2);
  });
});
