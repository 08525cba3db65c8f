import { expect } from 'chai';
import { GiftOrderStatus } from '#contracts/generated/game/gift/v1/gift_service';
import { RewardStatus } from '#contracts/generated/game/reward/v1/reward_service';
import { rewardInWallet } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { createGift, exchangeReward, giftStock, orderReaches } from '#testing/exchange-helpers';
import { call } from '#testing/grpc-call';
import { deliveryModule, giftModule, missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { type ServiceInstance, TestSystem } from '#testing/test-system';
import type { GiftReservationRequest, GiftShop } from '../../services/wallet/src/domain/gift-shop.js';

/** A wallet process that dies at a chosen point of the exchange: the call never returns. */
function dyingAt(point: 'before-gift' | 'after-gift-reserved') {
  return (real: GiftShop): GiftShop => ({
    ensureAvailable: () => real.ensureAvailable(),
    async reserve(request: GiftReservationRequest) {
      if (point === 'after-gift-reserved') await real.reserve(request);
      await new Promise(() => {});
    },
  });
}

/**
 * A crash at any point of the exchange is recovered: no reward is both spent and kept, no stock
 * stays reserved, and no order exists without its reward spent or returned.
 */
describe('An exchange interrupted by a crash', function () {
  this.timeout(90_000);
  const RESERVATION_TTL_MS = 2500;
  let system: TestSystem;
  let gift: ServiceInstance;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(deliveryModule);
    gift = await system.start(giftModule, { overrides: { reservationTtlMs: RESERVATION_TTL_MS, expirySweepMs: 100 } });
    await system.start(rewardModule);
    await system.start(missionModule);
  });

  after(async () => system?.close());

  /** Starts a wallet, optionally doomed, optionally with a fast recovery sweep. */
  function startWallet(options: { dies?: 'before-gift' | 'after-gift-reserved'; recovers?: boolean }) {
    return system.start(walletModule, {
      overrides: {
        config: {
          giftAddress: gift.address,
          ...(options.recovers ? { exchangeStalledAfterMs: 200, exchangeRecoverySweepMs: 100 } : {}),
        },
        ...(options.dies ? { giftShop: dyingAt(options.dies) } : {}),
      },
    });
  }

  /** Starts an exchange on a doomed wallet, waits for it to reach the crash point, kills the wallet. */
  async function crashDuringExchange(customerId: string, giftId: string, dies: 'before-gift' | 'after-gift-reserved') {
    const doomed = await startWallet({ dies });
    const rewardId = await rewardInWallet(system, customerId);
    exchangeReward(system, customerId, rewardId, giftId).catch(() => {});
    await eventually(async () => {
      const [row] = await system.query<{ order_id: string }>(
        `select order_id from wallet.exchanges where customer_id = '${customerId}' and status = 'pending'`,
      );
      expect(row, 'exchange pending').to.not.equal(undefined);
      if (dies === 'after-gift-reserved') expect(await system.count('gift.gift_orders', `order_id = '${row.order_id}'`)).to.equal(1);
    });
    const [{ order_id: orderId }] = await system.query<{ order_id: string }>(
      `select order_id from wallet.exchanges where customer_id = '${customerId}'`,
    );
    await doomed.stop(0);
    return { rewardId, orderId };
  }

  async function rewardStatus(rewardId: string) {
    const rewards = system.rewardClient();
    return (await call(rewards, rewards.getReward, { rewardId })).status;
  }

  it('a crash after the gift shop reserved but before the wallet committed is completed on restart', async () => {
    await createGift(system, 'crash-gift-1', 3);
    const { rewardId, orderId } = await crashDuringExchange('crash-1', 'crash-gift-1', 'after-gift-reserved');
    const restarted = await startWallet({ recovers: true });

    await orderReaches(system, orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
    const [row] = await system.query<{ status: string }>(`select status from wallet.wallet_rewards where reward_id = '${rewardId}'`);
    expect(row.status).to.equal('spent');
    await eventually(async () => expect(await rewardStatus(rewardId)).to.equal(RewardStatus.REWARD_STATUS_EXCHANGED));
    await eventually(async () => expect(await giftStock(system, 'crash-gift-1')).to.include({ stockCount: 2, reservedCount: 0 }));
    await restarted.stop();
  });

  it('a crash after holding the reward but before calling the gift shop is completed on restart', async () => {
    await createGift(system, 'crash-gift-2', 3);
    const { rewardId, orderId } = await crashDuringExchange('crash-2', 'crash-gift-2', 'before-gift');
    expect(await system.count('gift.gift_orders', `order_id = '${orderId}'`)).to.equal(0);
    const restarted = await startWallet({ recovers: true });

    await orderReaches(system, orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
    await eventually(async () => expect(await rewardStatus(rewardId)).to.equal(RewardStatus.REWARD_STATUS_EXCHANGED));
    await restarted.stop();
  });

  it('a wallet that stays down past the reservation: the stock is released, and on restart the reward is available again', async () => {
    await createGift(system, 'crash-gift-3', 1);
    const { rewardId, orderId } = await crashDuringExchange('crash-3', 'crash-gift-3', 'after-gift-reserved');
    expect((await giftStock(system, 'crash-gift-3')).availableCount).to.equal(0);

    // Nobody completes the exchange: the gift shop lets the reservation lapse on its own.
    await orderReaches(system, orderId, GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED, RESERVATION_TTL_MS + 10_000);
    expect(await giftStock(system, 'crash-gift-3')).to.include({ stockCount: 1, reservedCount: 0, availableCount: 1 });

    const restarted = await startWallet({ recovers: true });
    await eventually(async () => {
      const [row] = await system.query<{ status: string }>(`select status from wallet.wallet_rewards where reward_id = '${rewardId}'`);
      expect(row.status).to.equal('available');
    });
    const [exchange] = await system.query<{ status: string }>(`select status from wallet.exchanges where customer_id = 'crash-3'`);
    expect(exchange.status).to.equal('failed');
    expect(await rewardStatus(rewardId)).to.equal(RewardStatus.REWARD_STATUS_ISSUED);
    expect((await giftStock(system, 'crash-gift-3')).availableCount).to.equal(1);
    await restarted.stop();
  });
});
