import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { giftOrderPaid, giftOrderRejected } from '#contracts/events';
import { GiftOrderStatus } from '#contracts/generated/game/gift/v1/gift_service';
import {
  type Notification,
  NotificationKind,
  type NotificationServiceClient,
} from '#contracts/generated/game/notification/v1/notification_service';
import { WalletRewardStatus } from '#contracts/generated/game/wallet/v1/wallet_service';
import { newEvent } from '#platform/events/event-type';
import { createLogger } from '#platform/logging/logger';
import { achieveMissions, expectWalletToHold, rewardInWallet } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { createGift, exchangeReward, orderReaches } from '#testing/exchange-helpers';
import { call, callError } from '#testing/grpc-call';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { EXCHANGE_CHAIN, startPlatform } from '#testing/start-platform';
import { TestSystem } from '#testing/test-system';
import { WebhookNotificationChannel } from '../../services/notification/src/adapters/channels/webhook-notification-channel.js';
import { WebhookPolicy, WebhookUnavailableError } from '../../services/notification/src/adapters/channels/webhook-policy.js';
import { type NotificationOverrides, notificationModule } from '../../services/notification/src/composition-root.js';
import type { NotificationState } from '../../services/notification/src/domain/notification.js';
import { NotificationRejectedError } from '../../services/notification/src/domain/notification-channel.js';
import { readNotificationConfig } from '../../services/notification/src/notification-config.js';
import { WebhookServer } from './webhook-server.js';

/**
 * Seed 000's Notification service: a notice for every event a customer should hear about,
 * kept per customer (paged, unread/read) and sent through a channel after it is stored, so a
 * dead channel delays sending but never loses a notice or holds up anything else.
 */

const K = NotificationKind;
const silent = createLogger({ level: 'silent' });

/** Fast settings for tests: quick polling, short backoff, a breaker that opens and heals fast. */
function fastConfig(webhookUrl?: string): NotificationOverrides['config'] {
  const defaults = readNotificationConfig({});
  return {
    webhookUrl,
    dispatchIntervalMs: 50,
    webhook: { attemptTimeoutMs: 500, maxRetries: 1, breakerThreshold: 3, halfOpenAfterMs: 300 },
    dispatch: { ...defaults.dispatch, leaseMs: 10_000, retryBaseMs: 100, retryMaxMs: 400 },
  };
}

function notificationClient(system: TestSystem): NotificationServiceClient {
  return system.notificationClient();
}

async function listAll(system: TestSystem, customerId: string, unreadOnly = false) {
  const client = notificationClient(system);
  try {
    return await call(client, client.listNotifications, { customerId, pageSize: 100, pageToken: '', unreadOnly });
  } finally {
    client.close();
  }
}

/** Waits until the customer has exactly `count` notifications; returns them newest first. */
function notificationsOf(system: TestSystem, customerId: string, count: number): Promise<Notification[]> {
  return eventually(
    async () => {
      const { notifications } = await listAll(system, customerId);
      expect(notifications, `notifications of ${customerId}`).to.have.length(count);
      return notifications;
    },
    { timeoutMs: 20_000 },
  );
}

describe('Notifications', function () {
  this.timeout(120_000);

  describe('from the live flow, sent to a webhook', () => {
    let system: TestSystem;
    let webhook: WebhookServer;

    before(async () => {
      webhook = await WebhookServer.start();
      system = await TestSystem.create('servers');
      await startPlatform(system, [...EXCHANGE_CHAIN, 'notification'], { notification: { config: fastConfig(webhook.url) } });
    });

    after(async () => {
      await system?.close();
      await webhook?.close();
    });

    it('every customer-facing event becomes a notice with its text: mission achieved, reward issued, exchanged for <gift name>, delivery started, order cancelled, reward returned, order delivered', async () => {
      await createGift(system, 'nt-plush', 5, 'Plush dragon');
      const rewardId = await rewardInWallet(system, 'nt-1', 'first-win');
      const gifts = system.giftClient();
      const first = await exchangeReward(system, 'nt-1', rewardId, 'nt-plush');
      await orderReaches(system, first.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      await call(gifts, gifts.cancelGiftOrder, { orderId: first.orderId, customerId: 'nt-1' });
      const wallets = system.walletClient();
      await eventually(async () => {
        const wallet = await call(wallets, wallets.getWallet, { customerId: 'nt-1' });
        expect(wallet.rewards[0].status).to.equal(WalletRewardStatus.WALLET_REWARD_STATUS_AVAILABLE);
      });
      const second = await exchangeReward(system, 'nt-1', rewardId, 'nt-plush');
      const shipping = await orderReaches(system, second.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      const deliveries = system.deliveryClient();
      await call(deliveries, deliveries.completeDelivery, { deliveryId: shipping.deliveryId });

      const notices = await notificationsOf(system, 'nt-1', 9);
      const missionId = (
        await call(system.missionClient(), system.missionClient().listMissions, { customerId: 'nt-1', pageSize: 0, pageToken: '' })
      ).missions[0].missionId;
      const expected = [
        [K.NOTIFICATION_KIND_MISSION_ACHIEVED, 'You achieved the mission "first-win" of test-event.', missionId],
        [K.NOTIFICATION_KIND_REWARD_ISSUED, 'You earned a reward for your mission. It is in your wallet.', rewardId],
        [K.NOTIFICATION_KIND_REWARD_EXCHANGED, 'Your reward was exchanged for Plush dragon.', first.orderId],
        [K.NOTIFICATION_KIND_DELIVERY_STARTED, 'Plush dragon is on its way.', first.orderId],
        [K.NOTIFICATION_KIND_ORDER_CANCELLED, 'Your order for Plush dragon was cancelled.', first.orderId],
        [K.NOTIFICATION_KIND_REWARD_RETURNED, 'Your reward is back in your wallet and can be exchanged again.', rewardId],
        [K.NOTIFICATION_KIND_REWARD_EXCHANGED, 'Your reward was exchanged for Plush dragon.', second.orderId],
        [K.NOTIFICATION_KIND_DELIVERY_STARTED, 'Plush dragon is on its way.', second.orderId],
        [K.NOTIFICATION_KIND_ORDER_DELIVERED, 'Plush dragon was delivered. Enjoy!', second.orderId],
      ];
      // Events of different services may be stored in either order; what each says is exact.
      expect(notices.map((n) => [n.kind, n.text, n.subjectId])).to.have.deep.members(expected);
      for (const notice of notices) expect(notice).to.include({ customerId: 'nt-1', read: false });

      // Each was also sent to the webhook, once stored.
      await eventually(() => {
        for (const notice of notices) {
          expect(webhook.accepted.get(notice.notificationId), notice.text).to.deep.include({
            customerId: 'nt-1',
            text: notice.text,
            subjectId: notice.subjectId,
          });
        }
      });
    });

    it('lists newest first a page at a time with page tokens; unread_only lists only the unread; unread_count counts them all', async () => {
      const missionIds = await achieveMissions(system, 'nt-page', 5, 'page');
      const all = (await notificationsOf(system, 'nt-page', 10)).map((n) => n.notificationId);
      const achievedOrder = (await listAll(system, 'nt-page')).notifications
        .filter((n) => n.kind === K.NOTIFICATION_KIND_MISSION_ACHIEVED)
        .map((n) => n.subjectId);
      expect(achievedOrder, 'newest first').to.deep.equal([...missionIds].reverse());

      const client = notificationClient(system);
      try {
        const pages: string[][] = [];
        let pageToken = '';
        do {
          const page = await call(client, client.listNotifications, { customerId: 'nt-page', pageSize: 4, pageToken, unreadOnly: false });
          expect(page.unreadCount).to.equal(10);
          pages.push(page.notifications.map((n) => n.notificationId));
          pageToken = page.nextPageToken;
        } while (pageToken !== '');
        expect(pages.map((page) => page.length)).to.deep.equal([4, 4, 2]);
        expect(pages.flat()).to.deep.equal(all);

        await call(client, client.markNotificationsRead, { customerId: 'nt-page', notificationIds: [all[0], all[5], all[9]] });
        const unread = await call(client, client.listNotifications, {
          customerId: 'nt-page',
          pageSize: 5,
          pageToken: '',
          unreadOnly: true,
        });
        expect(unread.unreadCount).to.equal(7);
        expect(unread.notifications.map((n) => n.notificationId)).to.deep.equal([all[1], all[2], all[3], all[4], all[6]]);
        const rest = await call(client, client.listNotifications, {
          customerId: 'nt-page',
          pageSize: 5,
          pageToken: unread.nextPageToken,
          unreadOnly: true,
        });
        expect(rest.notifications.map((n) => n.notificationId)).to.deep.equal([all[7], all[8]]);
        expect(rest.nextPageToken).to.equal('');
      } finally {
        client.close();
      }
    });

    it('marks some read by id, then all; marking again changes nothing; read_at is set', async () => {
      await achieveMissions(system, 'nt-read', 2, 'read');
      const [a, b, c, d] = await notificationsOf(system, 'nt-read', 4);
      const client = notificationClient(system);
      try {
        const some = await call(client, client.markNotificationsRead, {
          customerId: 'nt-read',
          notificationIds: [a.notificationId, b.notificationId],
        });
        expect(some).to.deep.equal({ markedCount: 2, unreadCount: 2 });
        const again = await call(client, client.markNotificationsRead, { customerId: 'nt-read', notificationIds: [a.notificationId] });
        expect(again).to.deep.equal({ markedCount: 0, unreadCount: 2 });
        const listed = await listAll(system, 'nt-read');
        const byId = new Map(listed.notifications.map((n) => [n.notificationId, n]));
        expect(byId.get(a.notificationId)?.read).to.equal(true);
        expect(byId.get(a.notificationId)?.readAt).to.be.instanceOf(Date);
        expect(byId.get(c.notificationId)?.read).to.equal(false);

        const rest = await call(client, client.markNotificationsRead, { customerId: 'nt-read', notificationIds: [] });
        expect(rest).to.deep.equal({ markedCount: 2, unreadCount: 0 });
        expect((await listAll(system, 'nt-read', true)).notifications).to.deep.equal([]);
        expect((await listAll(system, 'nt-read')).notifications.map((n) => n.notificationId)).to.include(d.notificationId);
      } finally {
        client.close();
      }
    });

    it("errors: INVALID_ARGUMENT naming customer_id, page_size, page_token or notification_ids; NOT_FOUND for another customer's notice, and then nothing is marked", async () => {
      await achieveMissions(system, 'nt-err', 1, 'err');
      const [mine] = await notificationsOf(system, 'nt-err', 2);
      const [theirs] = await notificationsOf(system, 'nt-read', 4);
      const client = notificationClient(system);
      try {
        const listCases = [
          { request: { customerId: '', pageSize: 0, pageToken: '', unreadOnly: false }, field: 'customer_id' },
          { request: { customerId: 'has space', pageSize: 0, pageToken: '', unreadOnly: false }, field: 'customer_id' },
          { request: { customerId: 'nt-err', pageSize: 101, pageToken: '', unreadOnly: false }, field: 'page_size' },
          { request: { customerId: 'nt-err', pageSize: 0, pageToken: 'not-a-token', unreadOnly: false }, field: 'page_token' },
        ];
        for (const { request, field } of listCases) {
          const error = await callError(client, client.listNotifications, request);
          expect(error.code, JSON.stringify(request)).to.equal(status.INVALID_ARGUMENT);
          expect(error.metadata.get('error-field')).to.deep.equal([field]);
        }
        const badId = await callError(client, client.markNotificationsRead, { customerId: 'nt-err', notificationIds: ['nope'] });
        expect(badId.code).to.equal(status.INVALID_ARGUMENT);
        expect(badId.metadata.get('error-field')).to.deep.equal(['notification_ids']);

        const foreign = await callError(client, client.markNotificationsRead, {
          customerId: 'nt-err',
          notificationIds: [mine.notificationId, theirs.notificationId],
        });
        expect(foreign.code).to.equal(status.NOT_FOUND);
        expect(foreign.metadata.get('error-code')).to.deep.equal(['NOTIFICATION_NOT_FOUND']);
        expect((await listAll(system, 'nt-err')).unreadCount, 'nothing marked').to.equal(2);

        // An unknown customer simply has none.
        expect(await listAll(system, 'nt-nobody')).to.deep.equal({ notifications: [], nextPageToken: '', unreadCount: 0 });
      } finally {
        client.close();
      }
    });

    it('webhook down, then up: notices wait in the delivery queue, none is lost, nothing is held up (missions still flow and are listed at once), all are sent when it is back', async () => {
      webhook.behaviour = 'unavailable';
      const attemptsBefore = webhook.attempts;
      await achieveMissions(system, 'nt-down', 4, 'down');
      await expectWalletToHold(system, 'nt-down', 4);
      const notices = await notificationsOf(system, 'nt-down', 8);
      // The channel has tried (and failed) to send: the positive signal that it got to these notices.
      await eventually(() => expect(webhook.attempts - attemptsBefore).to.be.greaterThan(3));
      for (const notice of notices) expect(webhook.accepted.has(notice.notificationId)).to.equal(false);
      const ids = notices.map((n) => `'${n.notificationId}'`).join(',');
      expect(
        await system.count('notification.deliveries', `notification_id in (${ids}) and sent_at is null and failed_at is null`),
      ).to.equal(8);

      webhook.behaviour = 'accept';
      await eventually(() => {
        for (const notice of notices)
          expect(webhook.accepted.get(notice.notificationId)?.text, notice.notificationId).to.equal(notice.text);
      });
      await eventually(async () =>
        expect(await system.count('notification.deliveries', `notification_id in (${ids}) and sent_at is not null`)).to.equal(8),
      );
    });
    it("a notice the webhook refuses for good (4xx) is marked failed, not retried, and stays in the customer's list", async () => {
      webhook.behaviour = 'reject';
      try {
        await achieveMissions(system, 'nt-refused', 1, 'refused');
        const notices = await notificationsOf(system, 'nt-refused', 2);
        const ids = notices.map((n) => `'${n.notificationId}'`).join(',');
        await eventually(async () =>
          expect(await system.count('notification.deliveries', `notification_id in (${ids}) and failed_at is not null`)).to.equal(2),
        );
        const attempts = webhook.requests.filter((r) => notices.some((n) => n.notificationId === r.idempotencyKey));
        expect(attempts.map((r) => r.status)).to.deep.equal([400, 400]);
        expect((await listAll(system, 'nt-refused')).unreadCount).to.equal(2);
      } finally {
        webhook.behaviour = 'accept';
      }
    });
  });

  describe('from events published straight to the exchange (notification alone)', () => {
    let system: TestSystem;

    before(async () => {
      system = await TestSystem.create('servers');
      await system.start(notificationModule, { overrides: { config: fastConfig() } });
    });

    after(async () => system?.close());

    it('a rejected order is a notice too, naming the gift from the earlier payment', async () => {
      const orderId = randomUUID();
      const rewardId = randomUUID();
      const order = { orderId, customerId: 'nt-rejected', giftId: 'nt-gone', rewardId };
      await system.publish([
        newEvent(giftOrderPaid, { ...order, giftName: 'Golden cup', paidAt: new Date() }, orderId),
        newEvent(giftOrderRejected, { ...order, reason: 'out of stock', rejectedAt: new Date() }, orderId),
      ]);
      const notices = await notificationsOf(system, 'nt-rejected', 2);
      expect(notices.map((n) => [n.kind, n.text])).to.have.deep.members([
        [K.NOTIFICATION_KIND_REWARD_EXCHANGED, 'Your reward was exchanged for Golden cup.'],
        [K.NOTIFICATION_KIND_ORDER_REJECTED, 'Sorry, your order for Golden cup could not be fulfilled.'],
      ]);
    });

    it('a redelivered event makes no second notice', async () => {
      const orderId = randomUUID();
      const paid = newEvent(
        giftOrderPaid,
        { orderId, customerId: 'nt-dup', giftId: 'g', giftName: 'Kite', rewardId: randomUUID(), paidAt: new Date() },
        orderId,
      );
      await system.publish([paid, paid]);
      await notificationsOf(system, 'nt-dup', 1);
      await system.publish([paid]);
      // A later event's notice shows the consumer got past the redelivery.
      const markerOrder = randomUUID();
      await system.publish([
        newEvent(
          giftOrderPaid,
          { orderId: markerOrder, customerId: 'nt-dup-marker', giftId: 'g', giftName: 'Kite', rewardId: randomUUID(), paidAt: new Date() },
          markerOrder,
        ),
      ]);
      await notificationsOf(system, 'nt-dup-marker', 1);
      await notificationsOf(system, 'nt-dup', 1);
    });
  });

  describe('the webhook channel (cockatiel retry and circuit breaker) against a real local HTTP server', () => {
    let webhook: WebhookServer;

    beforeEach(async () => {
      webhook = await WebhookServer.start();
    });

    afterEach(async () => webhook?.close());

    const notice = (): NotificationState => ({
      id: randomUUID(),
      customerId: 'hook-1',
      kind: 'reward-issued',
      text: 'You earned a reward for your mission. It is in your wallet.',
      subjectId: randomUUID(),
      createdAt: new Date('2026-07-01T10:00:00Z'),
    });

    function channel(options: Partial<ConstructorParameters<typeof WebhookPolicy>[0]> = {}) {
      const policy = new WebhookPolicy(
        { attemptTimeoutMs: 500, maxRetries: 2, breakerThreshold: 3, halfOpenAfterMs: 300, ...options },
        silent,
      );
      return new WebhookNotificationChannel(webhook.url, policy);
    }

    it('POSTs the notice as JSON with its id as Idempotency-Key', async () => {
      const sent = notice();
      await channel().send(sent);
      expect(webhook.requests).to.deep.equal([{ idempotencyKey: sent.id, status: 204 }]);
      expect(webhook.accepted.get(sent.id)).to.deep.equal({
        notificationId: sent.id,
        customerId: 'hook-1',
        kind: 'reward-issued',
        text: sent.text,
        subjectId: sent.subjectId,
        createdAt: '2026-07-01T10:00:00.000Z',
      });
    });

    it('a 503 is retried, and the send succeeds once the server recovers within the retries', async () => {
      webhook.behaviour = 'unavailable';
      const hook = channel({ maxRetries: 3, breakerThreshold: 10 });
      const sending = hook.send(notice());
      await eventually(() => expect(webhook.attempts).to.be.at.least(1), { intervalMs: 5 });
      webhook.behaviour = 'accept';
      await sending;
      expect(webhook.requests.map((r) => r.status).slice(-1)).to.deep.equal([204]);
      expect(webhook.attempts).to.be.greaterThan(1);
    });

    it('after consecutive failures the breaker opens: sends fail fast without reaching the server, and after the pause one trial closes it again', async () => {
      webhook.behaviour = 'unavailable';
      const hook = channel({ maxRetries: 0, breakerThreshold: 3, halfOpenAfterMs: 300 });
      for (let i = 0; i < 3; i += 1) {
        const error = await hook.send(notice()).catch((e: unknown) => e);
        expect(error).to.be.instanceOf(WebhookUnavailableError);
      }
      expect(webhook.attempts).to.equal(3);
      const started = Date.now();
      const fast = await hook.send(notice()).catch((e: unknown) => e);
      expect(fast).to.be.instanceOf(WebhookUnavailableError);
      expect((fast as Error).message).to.match(/circuit is open/);
      expect(Date.now() - started).to.be.lessThan(50);
      expect(webhook.attempts, 'not called while open').to.equal(3);

      webhook.behaviour = 'accept';
      // Fails fast (not reaching the server) until the pause is over, then the trial goes through.
      await eventually(() => hook.send(notice()), { timeoutMs: 3_000, intervalMs: 25 });
      await hook.send(notice());
      expect(webhook.requests.map((r) => r.status)).to.deep.equal([503, 503, 503, 204, 204]);
    });

    it('a 4xx other than 408/429 is a refusal for good: not retried', async () => {
      webhook.behaviour = 'reject';
      const error = await channel({ maxRetries: 3 })
        .send(notice())
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(NotificationRejectedError);
      expect(webhook.attempts).to.equal(1);
    });

    it('a server that does not answer in time counts as a failure (the attempt is aborted), and one that is not listening too', async () => {
      webhook.behaviour = 'slow';
      webhook.slowMs = 1000;
      const started = Date.now();
      const slow = await channel({ attemptTimeoutMs: 100, maxRetries: 1 })
        .send(notice())
        .catch((e: unknown) => e);
      expect(slow).to.be.instanceOf(WebhookUnavailableError);
      expect(Date.now() - started).to.be.lessThan(900);

      const url = webhook.url;
      await webhook.close();
      const nobody = new WebhookNotificationChannel(
        url,
        new WebhookPolicy({ attemptTimeoutMs: 500, maxRetries: 0, breakerThreshold: 3, halfOpenAfterMs: 300 }, silent),
      );
      const refused = await nobody.send(notice()).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(WebhookUnavailableError);
      expect((refused as Error).message).to.match(/unreachable/);
      webhook = await WebhookServer.start();
    });
  });

  describe('fault isolation', () => {
    let system: TestSystem;

    before(async () => {
      system = await TestSystem.create('servers');
      await system.start(notificationModule, { overrides: { config: fastConfig() } });
      await system.start(rewardModule);
      await system.start(walletModule);
      await system.start(missionModule);
    });

    after(async () => system?.close());

    it('with notification stopped nothing else is affected; when it returns it catches up on every notice it missed', async () => {
      await achieveMissions(system, 'nt-iso', 1, 'before');
      await notificationsOf(system, 'nt-iso', 2);
      await system.instancesOf('notification')[0].stop();

      await achieveMissions(system, 'nt-iso', 3, 'while-down');
      await expectWalletToHold(system, 'nt-iso', 4);
      expect(await system.count('notification.notifications', `customer_id = 'nt-iso'`)).to.equal(2);

      await system.start(notificationModule, { overrides: { config: fastConfig() } });
      const notices = await notificationsOf(system, 'nt-iso', 8);
      const achieved = notices.filter((n) => n.kind === K.NOTIFICATION_KIND_MISSION_ACHIEVED).map((n) => n.text);
      expect(achieved).to.have.members([
        'You achieved the mission "before-0" of test-event.',
        'You achieved the mission "while-down-0" of test-event.',
        'You achieved the mission "while-down-1" of test-event.',
        'You achieved the mission "while-down-2" of test-event.',
      ]);
      // The log channel (no webhook configured) sent them all.
      await eventually(async () => expect(await system.count('notification.deliveries', 'sent_at is null')).to.equal(0));
    });
  });
});
