import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ExchangeStatus } from '#contracts/generated/game/wallet/v1/wallet_service';
import { achieveMissions, expectWalletToHold, rewardInWallet } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { createGift, exchangeReward } from '#testing/exchange-helpers';
import { call, callError } from '#testing/grpc-call';
import { deliveryModule, giftModule, missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';

/** Seed 000 NFR 2: missions and rewards keep working 24/7 while the gift exchange is down. */
describe('Fault isolation', function () {
  this.timeout(90_000);
  let system: TestSystem;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(rewardModule);
    await system.start(missionModule);
  });

  after(async () => system?.close());

  it('with the gift and delivery services stopped, missions are still achieved and rewards still issued into wallets', async () => {
    const gift = await system.start(giftModule);
    const delivery = await system.start(deliveryModule);
    const giftPort = gift.port;
    await system.start(walletModule, {
      overrides: {
        config: {
          giftAddress: gift.address,
          giftShop: { attemptTimeoutMs: 300, maxRetries: 1, breakerThreshold: 2, halfOpenAfterMs: 500 },
        },
      },
    });
    await createGift(system, 'iso-gift', 5);
    await gift.stop();
    await delivery.stop();

    await achieveMissions(system, 'iso-1', 5);
    await expectWalletToHold(system, 'iso-1', 5);

    // The exchange itself is what is down: the customer is told to try again later.
    const rewardId = await rewardInWallet(system, 'iso-2');
    const wallets = system.walletClient();
    const error = await callError(wallets, wallets.exchangeReward, {
      customerId: 'iso-2',
      rewardId,
      giftId: 'iso-gift',
      idempotencyKey: 'iso-key',
    });
    expect(error.code).to.equal(status.UNAVAILABLE);
    expect(error.details).to.match(/try the exchange again/);

    // The gift shop comes back (same port, as a restarted pod would): exchanges work again, no restart of the wallet.
    await system.start(giftModule, { port: giftPort });
    await system.start(deliveryModule);
    const exchange = await eventually(() => exchangeReward(system, 'iso-2', rewardId, 'iso-gift', 'iso-key'), {
      timeoutMs: 15_000,
      intervalMs: 300,
    });
    expect(exchange.status).to.equal(ExchangeStatus.EXCHANGE_STATUS_COMPLETED);
    expect((await call(wallets, wallets.getWallet, { customerId: 'iso-2' })).availableCount).to.equal(0);
  });
});
