import { expect } from 'chai';
import { eventually } from '#testing/eventually';
import type { RestClient } from './rest-client.js';

/**
 * Achieves a mission over REST and waits, over REST, until its reward is issued and in the
 * customer's wallet. Returns the mission and reward ids.
 */
export async function restRewardInWallet(
  api: RestClient,
  customerId: string,
  missionCode: string,
): Promise<{ missionId: string; rewardId: string }> {
  const achieved = await api.post('/v1/missions', { customerId, eventCode: 'edge', missionCode });
  expect(achieved.status, achieved.text).to.equal(200);
  const missionId = achieved.body.missionId as string;
  return eventually(
    async () => {
      const mission = await api.get(`/v1/missions/${missionId}`);
      expect(mission.body.rewardId, 'reward issued').to.be.a('string').and.not.equal('');
      const wallet = await api.get(`/v1/wallets/${customerId}`);
      expect(wallet.status, wallet.text).to.equal(200);
      expect(
        wallet.body.rewards.map((reward: { rewardId: string }) => reward.rewardId),
        'reward in wallet',
      ).to.include(mission.body.rewardId);
      return { missionId, rewardId: mission.body.rewardId as string };
    },
    { timeoutMs: 20_000 },
  );
}

/** Creates a gift over REST with the given stock. */
export async function restCreateGift(api: RestClient, giftId: string, stockCount: number): Promise<void> {
  const created = await api.post('/v1/gifts', { giftId, name: `Gift ${giftId}`, stockCount });
  expect(created.status, created.text).to.equal(200);
}

/** Exchanges a reward over REST and returns the completed exchange. */
export async function restExchange(api: RestClient, customerId: string, rewardId: string, giftId: string, idempotencyKey: string) {
  const exchange = await api.post(`/v1/wallets/${customerId}/rewards/${rewardId}:exchange`, { giftId, idempotencyKey });
  expect(exchange.status, exchange.text).to.equal(200);
  expect(exchange.body.status).to.equal('EXCHANGE_STATUS_COMPLETED');
  return exchange.body as { orderId: string; status: string; customerId: string; rewardId: string; giftId: string; idempotencyKey: string };
}

/** Waits, over REST, until a gift order reaches a status; returns the order. */
export function restOrderReaches(api: RestClient, orderId: string, status: string) {
  return eventually(
    async () => {
      const order = await api.get(`/v1/gift-orders/${orderId}`);
      expect(order.body.status, `order ${orderId}`).to.equal(status);
      return order.body as { orderId: string; deliveryId: string; status: string };
    },
    { timeoutMs: 20_000 },
  );
}
