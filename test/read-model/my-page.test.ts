import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { rewardIssued } from '#contracts/events';
import { DeliveryStatus as DeliveryServiceStatus } from '#contracts/generated/game/delivery/v1/delivery_service';
import { GiftOrderStatus } from '#contracts/generated/game/gift/v1/gift_service';
import {
  DeliveryStatus,
  GetMyPageRequest,
  MissionStatus,
  type MyPage,
  MyPage as MyPageMessage,
  OrderStatus,
  RewardStatus,
  WalletStatus,
} from '#contracts/generated/game/mypage/v1/mypage_service';
import { newEvent } from '#platform/events/event-type';
import { achieveMissions, rewardInWallet } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { createGift, exchangeReward, orderReaches } from '#testing/exchange-helpers';
import { call, callError } from '#testing/grpc-call';
import { rawUnaryMethod } from '#testing/raw-grpc-method';
import { EXCHANGE_CHAIN, startPlatform } from '#testing/start-platform';
import { type ServiceInstance, TestSystem } from '#testing/test-system';
import { myPageModule } from '../../services/mypage/src/composition-root.js';
import { getMyPage, myPageClient, newStoryIds, runRebuildScript, shuffled, storyEvents } from './my-page-helpers.js';

/**
 * Seed 000 NFR 4 and the checklist's "CQRS materialized view built only from events": the My
 * Page read model shows each customer's missions, wallet rewards, gift orders and deliveries,
 * fed by events alone, right whatever order they arrive in, and rebuildable from scratch.
 */
describe('My Page read model', function () {
  this.timeout(120_000);

  describe('through the live flow (every service running)', () => {
    let system: TestSystem;

    before(async () => {
      system = await TestSystem.create('servers');
      // The view starts first (start order), so its queue exists before the first event is published.
      await startPlatform(system, [...EXCHANGE_CHAIN, 'mypage']);
    });

    after(async () => system?.close());

    /** Waits until the page passes the check, and returns it. */
    function pageWhere(customerId: string, check: (page: MyPage) => void): Promise<MyPage> {
      return eventually(
        async () => {
          const page = await getMyPage(system, customerId);
          check(page);
          return page;
        },
        { timeoutMs: 20_000 },
      );
    }

    it('after achieve -> reward -> wallet: the missions, their rewards available in the wallet, and the counts, agreeing with the owning services', async () => {
      const missionIds = await achieveMissions(system, 'mp-1', 2, 'mp');
      const page = await pageWhere('mp-1', (p) => {
        expect(p.missions.map((m) => m.status)).to.deep.equal([
          MissionStatus.MISSION_STATUS_REWARDED,
          MissionStatus.MISSION_STATUS_REWARDED,
        ]);
        expect(p.rewards.map((r) => r.walletStatus)).to.deep.equal([
          WalletStatus.WALLET_STATUS_AVAILABLE,
          WalletStatus.WALLET_STATUS_AVAILABLE,
        ]);
      });
      expect(page.counts).to.deep.equal({ missionsAchieved: 2, rewardsAvailable: 2, rewardsExchanged: 0, ordersOpen: 0 });
      expect(page.missions.map((m) => m.missionId)).to.have.members(missionIds);
      expect(page.missions.map((m) => m.missionCode)).to.have.members(['mp-0', 'mp-1']);
      expect(page.version).to.be.greaterThan(0);

      // The same ids the services of record hold: the mission's reward is the wallet's reward.
      const missions = system.missionClient();
      const wallets = system.walletClient();
      const listed = await call(missions, missions.listMissions, { customerId: 'mp-1', pageSize: 0, pageToken: '' });
      const wallet = await call(wallets, wallets.getWallet, { customerId: 'mp-1' });
      for (const mission of listed.missions) {
        const shown = page.missions.find((m) => m.missionId === mission.missionId);
        expect(shown?.rewardId, `mission ${mission.missionId}`).to.equal(mission.rewardId);
        expect(shown).to.include({ eventCode: mission.eventCode, missionCode: mission.missionCode });
      }
      expect(page.rewards.map((r) => r.rewardId)).to.have.members(wallet.rewards.map((r) => r.rewardId));
      for (const reward of page.rewards) {
        const mission = page.missions.find((m) => m.rewardId === reward.rewardId);
        expect(reward).to.include({
          missionId: mission?.missionId,
          missionCode: mission?.missionCode,
          rewardStatus: RewardStatus.REWARD_STATUS_ISSUED,
        });
        expect(reward.order).to.equal(undefined);
      }
    });

    it('after an exchange: the reward is spent and exchanged for the gift, by name, with its order shipping and its delivery started', async () => {
      await createGift(system, 'mp-plush', 5, 'Plush dragon');
      const rewardId = await rewardInWallet(system, 'mp-2');
      const exchange = await exchangeReward(system, 'mp-2', rewardId, 'mp-plush');
      const order = await orderReaches(system, exchange.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);

      const page = await pageWhere('mp-2', (p) =>
        expect(p.rewards[0]?.order?.deliveryStatus).to.equal(DeliveryStatus.DELIVERY_STATUS_STARTED),
      );
      const [reward] = page.rewards;
      expect(reward).to.include({
        rewardId,
        walletStatus: WalletStatus.WALLET_STATUS_SPENT,
        rewardStatus: RewardStatus.REWARD_STATUS_EXCHANGED,
      });
      expect(reward.order).to.include({
        orderId: exchange.orderId,
        rewardId,
        giftId: 'mp-plush',
        giftName: 'Plush dragon',
        status: OrderStatus.ORDER_STATUS_SHIPPING,
        deliveryId: order.deliveryId,
        deliveryStatus: DeliveryStatus.DELIVERY_STATUS_STARTED,
      });
      expect(page.orders).to.deep.equal([reward.order]);
      expect(page.counts).to.deep.equal({ missionsAchieved: 1, rewardsAvailable: 0, rewardsExchanged: 1, ordersOpen: 1 });
    });

    it('after cancelling: the order and its delivery are cancelled, and the reward is back, available and issued', async () => {
      const gifts = system.giftClient();
      const [before] = (await getMyPage(system, 'mp-2')).orders;
      await call(gifts, gifts.cancelGiftOrder, { orderId: before.orderId, customerId: 'mp-2' });

      const page = await pageWhere('mp-2', (p) => {
        expect(p.rewards[0].walletStatus).to.equal(WalletStatus.WALLET_STATUS_AVAILABLE);
        expect(p.rewards[0].order?.deliveryStatus).to.equal(DeliveryStatus.DELIVERY_STATUS_CANCELLED);
      });
      expect(page.rewards[0]).to.include({ rewardStatus: RewardStatus.REWARD_STATUS_ISSUED });
      // The reward shows the order it was last exchanged for, now cancelled.
      expect(page.rewards[0].order).to.include({
        orderId: before.orderId,
        giftName: 'Plush dragon',
        status: OrderStatus.ORDER_STATUS_CANCELLED,
      });
      expect(page.orders.map((o) => o.status)).to.deep.equal([OrderStatus.ORDER_STATUS_CANCELLED]);
      expect(page.counts).to.deep.equal({ missionsAchieved: 1, rewardsAvailable: 1, rewardsExchanged: 0, ordersOpen: 0 });
    });

    it('after the delivery completes: the order and the delivery are delivered, and no order is open', async () => {
      await createGift(system, 'mp-mug', 5, 'Mug');
      const rewardId = await rewardInWallet(system, 'mp-3');
      const exchange = await exchangeReward(system, 'mp-3', rewardId, 'mp-mug');
      const order = await orderReaches(system, exchange.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      const deliveries = system.deliveryClient();
      const delivered = await call(deliveries, deliveries.completeDelivery, { deliveryId: order.deliveryId });
      expect(delivered.status).to.equal(DeliveryServiceStatus.DELIVERY_STATUS_DELIVERED);

      const page = await pageWhere('mp-3', (p) => expect(p.orders[0]?.status).to.equal(OrderStatus.ORDER_STATUS_DELIVERED));
      expect(page.orders[0]).to.include({
        orderId: exchange.orderId,
        giftName: 'Mug',
        deliveryId: order.deliveryId,
        deliveryStatus: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      });
      expect(page.rewards[0]).to.include({
        walletStatus: WalletStatus.WALLET_STATUS_SPENT,
        rewardStatus: RewardStatus.REWARD_STATUS_EXCHANGED,
      });
      expect(page.counts).to.deep.equal({ missionsAchieved: 1, rewardsAvailable: 0, rewardsExchanged: 1, ordersOpen: 0 });
    });

    it('polling with the known version answers only "unchanged" until the page changes, then the new page', async () => {
      await achieveMissions(system, 'mp-poll', 1, 'poll-a');
      const first = await pageWhere('mp-poll', (p) => expect(p.rewards[0]?.walletStatus).to.equal(WalletStatus.WALLET_STATUS_AVAILABLE));
      const same = await getMyPage(system, 'mp-poll', first.version);
      expect(same).to.deep.include({
        customerId: 'mp-poll',
        version: first.version,
        updatedAt: first.updatedAt,
        unchanged: true,
        missions: [],
        rewards: [],
        orders: [],
      });
      expect(same.counts).to.equal(undefined);

      await achieveMissions(system, 'mp-poll', 1, 'poll-b');
      const changed = await eventually(async () => {
        const page = await getMyPage(system, 'mp-poll', first.version);
        expect(page.unchanged).to.equal(false);
        return page;
      });
      expect(changed.version).to.be.greaterThan(first.version);
      expect(changed.missions.length).to.be.greaterThan(0);
    });

    it('rebuilding from scratch (scripts/rebuild-mypage.ts REBUILD_FROM=outbox: reset, replay every outbox into the mypage queue only) ends in identical pages', async () => {
      const customers = ['mp-1', 'mp-2', 'mp-3', 'mp-poll'];
      await eventually(async () => expect((await getMyPage(system, 'mp-poll')).missions).to.have.length(2), { timeoutMs: 20_000 });
      const before = await settledPages(system, customers);
      const rewardStats = system.instancesOf('reward')[0].service.consumer?.stats;
      const rewardSawBefore = { ...rewardStats };

      // Damage the view, so only a real rebuild can bring the pages back.
      await system.query('delete from mypage.orders');
      await system.query('update mypage.pages set version = 0');

      const { stdout } = await runRebuildScript(system, { REBUILD_FROM: 'outbox' });
      const summary = JSON.parse(stdout) as { caughtUp: boolean; expected: number; replayed: Record<string, number> };
      expect(summary.caughtUp).to.equal(true);
      expect(summary.replayed.mission).to.be.greaterThan(0);
      expect(summary.replayed.delivery).to.be.greaterThan(0);

      const after = await Promise.all(customers.map((customerId) => getMyPage(system, customerId)));
      expect(after).to.deep.equal(before);
      // The replay went to mypage's queue only: the reward service saw no event again.
      expect(rewardStats).to.deep.equal(rewardSawBefore);
    });
    it("after retention pruned every outbox, a rebuild from the publishers' current state (REBUILD_FROM=snapshot, the default) ends in identical pages", async () => {
      const customers = ['mp-1', 'mp-2', 'mp-3', 'mp-poll'];
      const before = await settledPages(system, customers);
      const publishers = ['mission', 'reward', 'wallet', 'gift', 'delivery'];
      // Age every published row past the default window (7 days), then let retention prune.
      for (const name of publishers) {
        await eventually(async () => expect(await system.count(`${name}.outbox_events`, 'published_at is null')).to.equal(0));
        await system.query(`update ${name}.outbox_events set published_at = published_at - interval '8 days'`);
        const task = system.instancesOf(name)[0].service.tasks.find((candidate) => candidate.name === 'storage-retention');
        await task?.runOnce();
        expect(await system.count(`${name}.outbox_events`), `${name} outbox pruned`).to.equal(0);
      }

      const { stdout } = await runRebuildScript(system);
      const summary = JSON.parse(stdout) as { from: string; caughtUp: boolean; replayed: Record<string, number> };
      expect(summary).to.include({ from: 'snapshot', caughtUp: true });
      for (const name of publishers) expect(summary.replayed[name], name).to.be.greaterThan(0);

      const after = await Promise.all(customers.map((customerId) => getMyPage(system, customerId)));
      expect(after).to.deep.equal(before);

      // Stated facts carry ids derived from the facts: a second snapshot is all duplicates.
      const applied = await system.count('mypage.inbox_events');
      // Read before the second snapshot is sent: mypage may start on it before the call returns.
      const mypageStats = system.instancesOf('mypage')[0].service.consumer?.stats;
      const duplicatesBefore = mypageStats?.duplicates ?? 0;
      const missions = system.eventReplayClient(system.address('mission'));
      try {
        const again = await call(missions, missions.replaySnapshot, { targetQueue: 'mypage', routingKeys: ['mission.*'] });
        expect(again).to.deep.equal({ service: 'mission', eventsSent: summary.replayed.mission });
      } finally {
        missions.close();
      }
      await eventually(() => expect(mypageStats?.duplicates).to.be.at.least(duplicatesBefore + summary.replayed.mission));
      expect(await system.count('mypage.inbox_events')).to.equal(applied);
    });
  });

  describe('from events alone (no other service running)', () => {
    let system: TestSystem;
    let mypage: ServiceInstance;

    before(async () => {
      system = await TestSystem.create('servers');
      mypage = await system.start(myPageModule);
    });

    after(async () => system?.close());

    function expectTheStoryPage(page: MyPage, customerId: string, ids: ReturnType<typeof newStoryIds>): void {
      expect(page).to.include({ customerId, version: 19, unchanged: false });
      expect(page.updatedAt).to.deep.equal(new Date('2026-07-01T10:24:00Z'));
      expect(page.counts).to.deep.equal({ missionsAchieved: 2, rewardsAvailable: 1, rewardsExchanged: 1, ordersOpen: 0 });
      expect(page.missions.map((m) => [m.missionId, m.missionCode, m.status, m.rewardId])).to.deep.equal([
        [ids.otherMissionId, 'ten-wins', MissionStatus.MISSION_STATUS_REWARDED, ids.otherRewardId],
        [ids.missionId, 'first-win', MissionStatus.MISSION_STATUS_REWARDED, ids.rewardId],
      ]);
      expect(page.orders.map((o) => [o.orderId, o.giftName, o.status, o.deliveryId, o.deliveryStatus])).to.deep.equal([
        [ids.secondOrderId, 'Mug', OrderStatus.ORDER_STATUS_DELIVERED, ids.secondDeliveryId, DeliveryStatus.DELIVERY_STATUS_DELIVERED],
        [
          ids.firstOrderId,
          'Plush dragon',
          OrderStatus.ORDER_STATUS_CANCELLED,
          ids.firstDeliveryId,
          DeliveryStatus.DELIVERY_STATUS_CANCELLED,
        ],
      ]);
      const [other, exchanged] = page.rewards;
      expect(other).to.deep.include({
        rewardId: ids.otherRewardId,
        walletStatus: WalletStatus.WALLET_STATUS_AVAILABLE,
        rewardStatus: RewardStatus.REWARD_STATUS_ISSUED,
      });
      expect(other.order).to.equal(undefined);
      expect(exchanged).to.deep.include({
        rewardId: ids.rewardId,
        missionCode: 'first-win',
        walletStatus: WalletStatus.WALLET_STATUS_SPENT,
      });
      expect(exchanged).to.deep.include({ rewardStatus: RewardStatus.REWARD_STATUS_EXCHANGED, order: page.orders[0] });
    }

    /** Publishes the story for a customer and waits until the page has all of it (version 19). */
    async function publishTheStory(customerId: string): Promise<{ ids: ReturnType<typeof newStoryIds>; page: MyPage }> {
      const ids = newStoryIds();
      await system.publish(storyEvents(customerId, ids));
      const page = await eventually(async () => {
        const current = await getMyPage(system, customerId);
        expect(current.version).to.equal(19);
        return current;
      });
      return { ids, page };
    }

    it('with every other service stopped, the events alone make the page: missions, rewards, both orders, deliveries and counts', async () => {
      expect(system.instancesOf('mission').length + system.instancesOf('wallet').length + system.instancesOf('gift').length).to.equal(0);
      const { ids, page } = await publishTheStory('alone-1');
      expectTheStoryPage(page, 'alone-1', ids);
    });

    it('mypage is given no address of another service, opens no client and maps only its own schema', () => {
      const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../services/mypage/src');
      const files = listTs(root);
      expect(files.length).to.be.greaterThan(5);
      let checked = 0;
      for (const file of files) {
        const source = readFileSync(file, 'utf8');
        const name = relative(root, file);
        for (const specifier of importsOf(source)) {
          checked += 1;
          if (specifier.startsWith('#')) {
            expect(specifier, `${name} imports`).to.match(
              /^(#platform\/|#contracts\/events$|#contracts\/generated\/game\/(mypage|platform)\/)/,
            );
            continue;
          }
          if (!specifier.startsWith('.')) {
            expect(specifier, `${name} imports`).to.match(/^(node:|drizzle-orm)/);
            continue;
          }
          const target = relative(resolve(root, '../..'), resolve(dirname(file), specifier));
          expect(target, `${name} imports ${specifier}`).to.match(
            /^(mypage\/|platform\/src\/|contracts\/events\.js$|contracts\/generated\/game\/(mypage|platform)\/)/,
          );
        }
        // Its own settings are read in one place, and only its own (MYPAGE_*).
        if (name === 'my-page-config.ts')
          for (const [, setting] of source.matchAll(/'([A-Z][A-Z0-9_]+)'/g)) expect(setting, name).to.match(/^MYPAGE_/);
        else expect(source, name).to.not.match(/process\.env/);
        expect(source, name).to.not.match(/_ADDRESS|ServiceClient|credentials\./);
        for (const schema of source.matchAll(/pgSchema\('([^']+)'\)/g)) expect(schema[1], name).to.equal('mypage');
      }
      expect(checked).to.be.greaterThan(30);
      const parts = myPageModule.create({
        db: undefined as never,
        bus: undefined as never,
        config: undefined as never,
        logger: { child: () => undefined } as never,
        auth: undefined as never,
        wakeRelay: () => {},
      });
      expect(parts.close, 'no clients to close').to.equal(undefined);
      expect(parts.outbox, 'publishes nothing').to.equal(undefined);
    });

    it('the stored page is the GetMyPage answer itself: the bytes on the wire are page_message as the projection wrote it, and decode to the page', async () => {
      const { ids } = await publishTheStory('alone-wire');
      const [row] = await system.query<{ page_message: Uint8Array }>(
        "select page_message from mypage.pages where customer_id = 'alone-wire'",
      );
      const client = system.client(Client, mypage.address, { player: 'alone-wire' });
      try {
        const request = Buffer.from(GetMyPageRequest.encode({ customerId: 'alone-wire', knownVersion: 0 }).finish());
        const method = rawUnaryMethod('/game.mypage.v1.MyPageService/GetMyPage');
        const onTheWire = await new Promise<Buffer>((resolve, reject) =>
          client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, (error, bytes) =>
            error ? reject(error) : resolve(bytes as Buffer),
          ),
        );
        expect(Buffer.from(row.page_message).equals(onTheWire), 'the stored bytes, not a new encoding').to.equal(true);
        expectTheStoryPage(MyPageMessage.decode(onTheWire), 'alone-wire', ids);
      } finally {
        client.close();
      }
    });

    it('a row stored before pages were stored encoded (page_message null, as migration 0003 leaves every row) is assembled from its facts: the same page', async () => {
      const { ids, page: stored } = await publishTheStory('alone-legacy');
      await system.query("update mypage.pages set page_message = null where customer_id = 'alone-legacy'");
      expect(await getMyPage(system, 'alone-legacy')).to.deep.equal(stored);
      expectTheStoryPage(stored, 'alone-legacy', ids);
    });

    it('events arriving in any order (rewards, wallet and orders before their mission; a cancel before the payment) end in the same page', async () => {
      const ids = newStoryIds();
      const events = storyEvents('order-0', ids);
      const orders: Record<string, typeof events> = { 'order-reversed': [...events].reverse() };
      for (let seed = 1; seed <= 4; seed += 1) orders[`order-${seed}`] = shuffled(events, seed * 7919);
      // The same facts, as events with the ids each customer's copy has.
      const forCustomer = (customerId: string, sequence: typeof events) => {
        const own = storyEvents(customerId, ids);
        return sequence.map((event) => own[events.indexOf(event)]);
      };
      await system.publish(events);
      for (const [customerId, sequence] of Object.entries(orders)) await system.publish(forCustomer(customerId, sequence));

      const reference = await eventually(async () => {
        const page = await getMyPage(system, 'order-0');
        expect(page.version).to.equal(19);
        return page;
      });
      expectTheStoryPage(reference, 'order-0', ids);
      for (const customerId of Object.keys(orders)) {
        const page = await eventually(async () => {
          const current = await getMyPage(system, customerId);
          expect(current.version, customerId).to.equal(19);
          return current;
        });
        expect({ ...page, customerId: 'order-0' }, customerId).to.deep.equal(reference);
      }
    });

    it('a partial page is right at every step: a reward known before its mission shows the mission rewarded, without codes until MissionAchieved arrives', async () => {
      const ids = newStoryIds();
      const [achieved, issued, credited] = storyEvents('partial-1', ids);
      await system.publish([issued, credited]);
      const partial = await eventually(async () => {
        const page = await getMyPage(system, 'partial-1');
        expect(page.version).to.equal(2);
        return page;
      });
      expect(partial.missions).to.have.length(1);
      expect(partial.missions[0]).to.include({
        missionId: ids.missionId,
        missionCode: '',
        status: MissionStatus.MISSION_STATUS_REWARDED,
        rewardId: ids.rewardId,
      });
      expect(partial.rewards[0]).to.include({ walletStatus: WalletStatus.WALLET_STATUS_AVAILABLE, missionCode: '' });

      await system.publish([achieved]);
      const filled = await eventually(async () => {
        const page = await getMyPage(system, 'partial-1');
        expect(page.version).to.equal(3);
        return page;
      });
      expect(filled.missions[0]).to.include({ missionCode: 'first-win', eventCode: 'summer-2026' });
      expect(filled.rewards[0]).to.include({ missionCode: 'first-win' });
    });

    it('duplicate events change nothing, not even the version: redelivered ids, and the same facts under new ids', async () => {
      const ids = newStoryIds();
      const events = storyEvents('dup-1', ids);
      await system.publish(events);
      const before = await eventually(async () => {
        const page = await getMyPage(system, 'dup-1');
        expect(page.version).to.equal(19);
        return page;
      });
      const stats = mypage.service.consumer?.stats;
      const duplicatesBefore = stats?.duplicates ?? 0;
      const appliedBefore = stats?.applied ?? 0;

      await system.publish(events);
      const retold = storyEvents('dup-1', ids);
      await system.publish(retold);
      await eventually(() => {
        expect(stats?.duplicates).to.equal(duplicatesBefore + events.length);
        expect(stats?.applied).to.equal(appliedBefore + retold.length);
      });
      expect(await getMyPage(system, 'dup-1')).to.deep.equal(before);
    });

    it('an event that names no customer is dead-lettered and changes no page', async () => {
      const ids = newStoryIds();
      await system.publish([
        newEvent(rewardIssued, { rewardId: ids.rewardId, missionId: ids.missionId, customerId: '', issuedAt: new Date() }, ids.rewardId),
      ]);
      await eventually(async () => expect(await system.deadLetterCount('mypage')).to.equal(1));
      expect(await system.count('mypage.rewards', `reward_id = '${ids.rewardId}'`)).to.equal(0);
    });

    it('GetMyPage: INVALID_ARGUMENT naming the field for a malformed customer_id or known_version; an empty page (version 0) for a customer no event mentioned', async () => {
      const client = myPageClient(system);
      try {
        for (const customerId of ['', 'has space', 'x'.repeat(65)]) {
          const error = await callError(client, client.getMyPage, { customerId, knownVersion: 0 });
          expect(error.code, JSON.stringify(customerId)).to.equal(status.INVALID_ARGUMENT);
          expect(error.metadata.get('error-field')).to.deep.equal(['customer_id']);
          expect(error.details).to.match(/^customer_id: /);
        }
        const negative = await callError(client, client.getMyPage, { customerId: 'alone-1', knownVersion: -1 });
        expect(negative.code).to.equal(status.INVALID_ARGUMENT);
        expect(negative.metadata.get('error-field')).to.deep.equal(['known_version']);

        for (const knownVersion of [0, 3]) {
          const empty = await call(client, client.getMyPage, { customerId: 'nobody-ever', knownVersion });
          expect(empty).to.deep.include({
            customerId: 'nobody-ever',
            version: 0,
            unchanged: false,
            updatedAt: undefined,
            missions: [],
            rewards: [],
            orders: [],
          });
          expect(empty.counts).to.deep.equal({ missionsAchieved: 0, rewardsAvailable: 0, rewardsExchanged: 0, ordersOpen: 0 });
        }
      } finally {
        client.close();
      }
    });
  });

  describe('two replicas of the view (competing consumers on one queue)', () => {
    let system: TestSystem;

    before(async () => {
      // Small batches, so the replicas' transactions interleave on the same customers' pages.
      system = await TestSystem.create('servers', { EVENTS_PREFETCH: '3' });
      await system.start(myPageModule);
      await system.start(myPageModule);
    });

    after(async () => system?.close());

    it('pages of customers whose events both replicas apply at once, told twice (the second time under new ids), each count every new fact once: version 19, the same page', async () => {
      const ids = newStoryIds();
      const customers = Array.from({ length: 6 }, (_, i) => `twin-${i}`);
      const told = customers.flatMap((customerId) => [...storyEvents(customerId, ids), ...storyEvents(customerId, ids)]);
      await system.publish(shuffled(told, 104729));
      const replicas = system.instancesOf('mypage').map((instance) => instance.service.consumer?.stats);
      await eventually(() => expect(replicas.reduce((sum, stats) => sum + (stats?.applied ?? 0), 0)).to.equal(told.length), {
        timeoutMs: 30_000,
      });
      for (const stats of replicas) expect(stats?.applied, 'each replica took a share').to.be.greaterThan(0);
      const pages = await settledPages(system, customers);
      for (const page of pages) {
        expect(page.version, page.customerId).to.equal(19);
        expect({ ...page, customerId: customers[0] }, page.customerId).to.deep.equal(pages[0]);
      }
    });
  });
});

/** The pages once the view has stopped moving (nothing left in flight). */
async function settledPages(system: TestSystem, customers: string[]): Promise<MyPage[]> {
  let previous = '';
  for (;;) {
    const pages = await Promise.all(customers.map((customerId) => getMyPage(system, customerId)));
    const versions = JSON.stringify(pages.map((page) => page.version));
    if (versions === previous) return pages;
    previous = versions;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function listTs(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return listTs(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)].map((match) => match[1]);
}
