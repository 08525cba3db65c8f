import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { rewardSpent } from '#contracts/events';
import { DeliveryStatus } from '#contracts/generated/game/delivery/v1/delivery_service';
import { GiftOrderStatus } from '#contracts/generated/game/gift/v1/gift_service';
import { RewardStatus } from '#contracts/generated/game/reward/v1/reward_service';
import { ExchangeStatus, WalletRewardStatus } from '#contracts/generated/game/wallet/v1/wallet_service';
import { rewardInWallet } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { createGift, exchangeReward, giftStock, orderReaches } from '#testing/exchange-helpers';
import { call, callError } from '#testing/grpc-call';
import { EXCHANGE_CHAIN, startPlatform } from '#testing/start-platform';
import { type Mode, TestSystem } from '#testing/test-system';

/**
 * Seed 000 requirements 4-5 and all seven of seed 002, as one flow: exchanging a reward places
 * a gift order (the order), the gift shop checks and reserves stock (the stock check), the
 * wallet spends the reward (the payment), delivery starts, stock is decreased; cancelling
 * cancels the delivery, restocks, and returns the reward.
 */
for (const mode of ['servers', 'embedded'] as Mode[]) {
  describe(`Exchanging rewards for gifts (${mode})`, function () {
    this.timeout(90_000);
    let system: TestSystem;

    before(async () => {
      system = await TestSystem.create(mode);
      await startPlatform(system, EXCHANGE_CHAIN);
    });

    after(async () => system?.close());

    async function walletReward(customerId: string, rewardId: string) {
      const wallets = system.walletClient();
      const wallet = await call(wallets, wallets.getWallet, { customerId });
      return wallet.rewards.find((reward) => reward.rewardId === rewardId);
    }

    async function rewardStatus(rewardId: string) {
      const rewards = system.rewardClient();
      return (await call(rewards, rewards.getReward, { rewardId })).status;
    }

    it('seed 000 req. 4 / seed 002 req. 1: the customer exchanges a wallet reward for a gift, which places a gift order', async () => {
      await createGift(system, 'plush-1', 3);
      const rewardId = await rewardInWallet(system, 'gx-1');
      const exchange = await exchangeReward(system, 'gx-1', rewardId, 'plush-1');
      expect(exchange.status).to.equal(ExchangeStatus.EXCHANGE_STATUS_COMPLETED);
      const order = await orderReaches(system, exchange.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      expect(order).to.include({ customerId: 'gx-1', giftId: 'plush-1', rewardId });
      expect((await walletReward('gx-1', rewardId))?.status).to.equal(WalletRewardStatus.WALLET_REWARD_STATUS_SPENT);
    });

    it("seed 000 req. 5: when the reward is exchanged, the reward's status becomes exchanged", async () => {
      await createGift(system, 'plush-5', 3);
      const rewardId = await rewardInWallet(system, 'gx-5');
      const exchange = await exchangeReward(system, 'gx-5', rewardId, 'plush-5');
      await eventually(async () => {
        const rewards = system.rewardClient();
        const reward = await call(rewards, rewards.getReward, { rewardId });
        expect(reward.status).to.equal(RewardStatus.REWARD_STATUS_EXCHANGED);
        expect(reward.orderId).to.equal(exchange.orderId);
      });
    });

    it('seed 002 req. 2: stock is checked synchronously and the order goes ahead only if there is stock', async () => {
      await createGift(system, 'sold-out', 0);
      const rewardId = await rewardInWallet(system, 'gx-2');
      const error = await callError(system.walletClient(), system.walletClient().exchangeReward, {
        customerId: 'gx-2',
        rewardId,
        giftId: 'sold-out',
        idempotencyKey: randomUUID(),
      });
      expect(error.code).to.equal(status.RESOURCE_EXHAUSTED);
      expect(error.metadata.get('error-code')).to.deep.equal(['OUT_OF_STOCK']);
      expect(await system.count('gift.gift_orders', `customer_id = 'gx-2' and status <> 'released'`)).to.equal(0);
      expect((await walletReward('gx-2', rewardId))?.status).to.equal(WalletRewardStatus.WALLET_REWARD_STATUS_AVAILABLE);
      expect(await rewardStatus(rewardId)).to.equal(RewardStatus.REWARD_STATUS_ISSUED);
    });

    it('seed 002 req. 3-5: the customer pays with the reward, delivery starts, and stock is decreased when it does', async () => {
      await createGift(system, 'mug', 2);
      const rewardId = await rewardInWallet(system, 'gx-3');
      const exchange = await exchangeReward(system, 'gx-3', rewardId, 'mug');
      // Paid: the reward is spent (the payment) and the order moves on to delivery.
      expect((await walletReward('gx-3', rewardId))?.status).to.equal(WalletRewardStatus.WALLET_REWARD_STATUS_SPENT);
      const order = await orderReaches(system, exchange.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      const deliveries = system.deliveryClient();
      const delivery = await call(deliveries, deliveries.getOrderDelivery, { orderId: exchange.orderId });
      expect(delivery.status).to.equal(DeliveryStatus.DELIVERY_STATUS_STARTED);
      expect(order.deliveryId).to.equal(delivery.deliveryId);
      await eventually(async () =>
        expect(await giftStock(system, 'mug')).to.include({ stockCount: 1, reservedCount: 0, availableCount: 1 }),
      );
    });

    it('seed 002 req. 6-7: cancelling the order cancels the delivery, and the stock is increased again', async () => {
      await createGift(system, 'cap', 1);
      const rewardId = await rewardInWallet(system, 'gx-6');
      const exchange = await exchangeReward(system, 'gx-6', rewardId, 'cap');
      await orderReaches(system, exchange.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      await eventually(async () => expect((await giftStock(system, 'cap')).stockCount).to.equal(0));

      const gifts = system.giftClient();
      const cancelled = await call(gifts, gifts.cancelGiftOrder, { orderId: exchange.orderId, customerId: 'gx-6' });
      expect(cancelled.status).to.equal(GiftOrderStatus.GIFT_ORDER_STATUS_CANCELLED);
      const deliveries = system.deliveryClient();
      await eventually(async () => {
        const delivery = await call(deliveries, deliveries.getOrderDelivery, { orderId: exchange.orderId });
        expect(delivery.status).to.equal(DeliveryStatus.DELIVERY_STATUS_CANCELLED);
      });
      await eventually(async () =>
        expect(await giftStock(system, 'cap')).to.include({ stockCount: 1, reservedCount: 0, availableCount: 1 }),
      );
    });

    it('cancelling returns the reward to the wallet, usable again, and its status back to issued', async () => {
      await createGift(system, 'badge', 5);
      const rewardId = await rewardInWallet(system, 'gx-7');
      const first = await exchangeReward(system, 'gx-7', rewardId, 'badge');
      await orderReaches(system, first.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      const gifts = system.giftClient();
      await call(gifts, gifts.cancelGiftOrder, { orderId: first.orderId, customerId: 'gx-7' });
      await eventually(async () =>
        expect((await walletReward('gx-7', rewardId))?.status).to.equal(WalletRewardStatus.WALLET_REWARD_STATUS_AVAILABLE),
      );
      await eventually(async () => expect(await rewardStatus(rewardId)).to.equal(RewardStatus.REWARD_STATUS_ISSUED));

      const second = await exchangeReward(system, 'gx-7', rewardId, 'badge');
      expect(second.status).to.equal(ExchangeStatus.EXCHANGE_STATUS_COMPLETED);
      expect(second.orderId).to.not.equal(first.orderId);
    });

    it('a delivered or already-cancelled order cannot be cancelled: a clear error, and nothing changes', async () => {
      await createGift(system, 'pin', 5);
      const gifts = system.giftClient();
      const deliveries = system.deliveryClient();

      const deliveredReward = await rewardInWallet(system, 'gx-8', 'delivered');
      const delivered = await exchangeReward(system, 'gx-8', deliveredReward, 'pin');
      await orderReaches(system, delivered.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      const delivery = await call(deliveries, deliveries.getOrderDelivery, { orderId: delivered.orderId });
      await call(deliveries, deliveries.completeDelivery, { deliveryId: delivery.deliveryId });
      await orderReaches(system, delivered.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_DELIVERED);
      const refused = await callError(gifts, gifts.cancelGiftOrder, { orderId: delivered.orderId, customerId: 'gx-8' });
      expect(refused.code).to.equal(status.FAILED_PRECONDITION);
      expect(refused.metadata.get('error-code')).to.deep.equal(['ORDER_DELIVERED']);

      const cancelledReward = await rewardInWallet(system, 'gx-8', 'cancelled');
      const cancelled = await exchangeReward(system, 'gx-8', cancelledReward, 'pin');
      await orderReaches(system, cancelled.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      await call(gifts, gifts.cancelGiftOrder, { orderId: cancelled.orderId, customerId: 'gx-8' });
      await eventually(async () =>
        expect((await walletReward('gx-8', cancelledReward))?.status).to.equal(WalletRewardStatus.WALLET_REWARD_STATUS_AVAILABLE),
      );
      // The cancelled delivery gives its unit back (5 - the delivered one).
      await eventually(async () => expect(await giftStock(system, 'pin')).to.include({ stockCount: 4, reservedCount: 0 }));
      const stockBefore = await giftStock(system, 'pin');
      const announcedBefore = await system.count('gift.outbox_events');
      const again = await callError(gifts, gifts.cancelGiftOrder, { orderId: cancelled.orderId, customerId: 'gx-8' });
      expect(again.code).to.equal(status.FAILED_PRECONDITION);
      expect(again.metadata.get('error-code')).to.deep.equal(['ORDER_ALREADY_CANCELLED']);
      // The refusal announced nothing, so nothing downstream can follow from it.
      expect(await system.count('gift.outbox_events'), 'nothing announced').to.equal(announcedBefore);
      expect(await giftStock(system, 'pin')).to.deep.equal(stockBefore);
      expect((await walletReward('gx-8', deliveredReward))?.status).to.equal(WalletRewardStatus.WALLET_REWARD_STATUS_SPENT);
    });

    it('repeating an exchange with the same idempotency key never spends two rewards or places two orders', async () => {
      await createGift(system, 'sticker', 10);
      const rewardId = await rewardInWallet(system, 'gx-9');
      const key = randomUUID();
      const results = await Promise.allSettled([1, 2, 3].map(() => exchangeReward(system, 'gx-9', rewardId, 'sticker', key)));
      const completed = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      expect(completed.length, 'at least one attempt completes').to.be.greaterThan(0);
      const replay = await exchangeReward(system, 'gx-9', rewardId, 'sticker', key);
      expect(replay.status).to.equal(ExchangeStatus.EXCHANGE_STATUS_COMPLETED);
      for (const result of completed) expect(result.orderId).to.equal(replay.orderId);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason.code, 'a concurrent duplicate is told to wait').to.equal(status.ABORTED);
      }
      await orderReaches(system, replay.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      expect(await system.count('gift.gift_orders', `customer_id = 'gx-9'`)).to.equal(1);
      expect(await system.count('wallet.outbox_events', `event_type = '${rewardSpent.name}' and aggregate_id = '${rewardId}'`)).to.equal(1);
    });

    it('the same idempotency key for a different exchange is refused', async () => {
      await createGift(system, 'keyring', 10);
      const first = await rewardInWallet(system, 'gx-10', 'first');
      const second = await rewardInWallet(system, 'gx-10', 'second');
      const key = randomUUID();
      await exchangeReward(system, 'gx-10', first, 'keyring', key);
      const error = await callError(system.walletClient(), system.walletClient().exchangeReward, {
        customerId: 'gx-10',
        rewardId: second,
        giftId: 'keyring',
        idempotencyKey: key,
      });
      expect(error.code).to.equal(status.FAILED_PRECONDITION);
      expect(error.metadata.get('error-code')).to.deep.equal(['IDEMPOTENCY_KEY_REUSED']);
      expect((await walletReward('gx-10', second))?.status).to.equal(WalletRewardStatus.WALLET_REWARD_STATUS_AVAILABLE);
    });

    it('a spent reward cannot pay for a second gift', async () => {
      await createGift(system, 'poster', 10);
      const rewardId = await rewardInWallet(system, 'gx-11');
      await exchangeReward(system, 'gx-11', rewardId, 'poster');
      const error = await callError(system.walletClient(), system.walletClient().exchangeReward, {
        customerId: 'gx-11',
        rewardId,
        giftId: 'poster',
        idempotencyKey: randomUUID(),
      });
      expect(error.code).to.equal(status.FAILED_PRECONDITION);
      expect(error.metadata.get('error-code')).to.deep.equal(['REWARD_NOT_AVAILABLE']);
      expect(await system.count('gift.gift_orders', `customer_id = 'gx-11'`)).to.equal(1);
    });

    it('two customers racing for the last item: exactly one gets it', async () => {
      await createGift(system, 'last-one', 1);
      const [a, b] = await Promise.all([rewardInWallet(system, 'racer-a'), rewardInWallet(system, 'racer-b')]);
      const results = await Promise.allSettled([
        exchangeReward(system, 'racer-a', a, 'last-one'),
        exchangeReward(system, 'racer-b', b, 'last-one'),
      ]);
      const winners = results.filter((result) => result.status === 'fulfilled');
      const losers = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      expect(winners).to.have.length(1);
      expect(losers).to.have.length(1);
      expect(losers[0].code).to.equal(status.RESOURCE_EXHAUSTED);
      await eventually(async () =>
        expect(await giftStock(system, 'last-one')).to.include({ stockCount: 0, reservedCount: 0, availableCount: 0 }),
      );
    });

    it('the customer follows their orders and each delivery', async () => {
      await createGift(system, 'tshirt', 5);
      const rewardIds = [await rewardInWallet(system, 'gx-12', 'one'), await rewardInWallet(system, 'gx-12', 'two')];
      const exchanges = [];
      for (const rewardId of rewardIds) exchanges.push(await exchangeReward(system, 'gx-12', rewardId, 'tshirt'));
      for (const exchange of exchanges) await orderReaches(system, exchange.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      const gifts = system.giftClient();
      const page = await call(gifts, gifts.listGiftOrders, { customerId: 'gx-12', pageSize: 0, pageToken: '' });
      expect(page.orders.map((order) => order.orderId)).to.have.members(exchanges.map((exchange) => exchange.orderId));
      const deliveries = system.deliveryClient();
      for (const order of page.orders) {
        const delivery = await call(deliveries, deliveries.getOrderDelivery, { orderId: order.orderId });
        expect(delivery.deliveryId).to.equal(order.deliveryId);
      }
    });
  });
}
