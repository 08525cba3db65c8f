import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { GiftOrder, GiftOrderStatus } from '#contracts/generated/game/gift/v1/gift_service';
import { eventually } from './eventually.js';
import { call } from './grpc-call.js';
import type { TestSystem } from './test-system.js';

/** Registers a gift with its stock, as an operator would. */
export async function createGift(system: TestSystem, giftId: string, stockCount: number, name = `Gift ${giftId}`): Promise<void> {
  const gifts = system.giftClient();
  await call(gifts, gifts.createGift, { giftId, name, stockCount });
}

export async function giftStock(system: TestSystem, giftId: string) {
  const gifts = system.giftClient();
  return call(gifts, gifts.getGift, { giftId });
}

/** Exchanges a reward through the wallet, with a fresh idempotency key unless one is given. */
export function exchangeReward(
  system: TestSystem,
  customerId: string,
  rewardId: string,
  giftId: string,
  idempotencyKey: string = randomUUID(),
) {
  const wallets = system.walletClient();
  return call(wallets, wallets.exchangeReward, { customerId, rewardId, giftId, idempotencyKey });
}

export async function giftOrder(system: TestSystem, orderId: string): Promise<GiftOrder> {
  const gifts = system.giftClient();
  return call(gifts, gifts.getGiftOrder, { orderId });
}

/** Waits until the gift order reaches the status. */
export function orderReaches(system: TestSystem, orderId: string, status: GiftOrderStatus, timeoutMs = 15_000): Promise<GiftOrder> {
  return eventually(
    async () => {
      const order = await giftOrder(system, orderId);
      expect(order.status, `order ${orderId}`).to.equal(status);
      return order;
    },
    { timeoutMs },
  );
}
