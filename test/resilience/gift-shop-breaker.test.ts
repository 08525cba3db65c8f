import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { exchangeAbandoned } from '#contracts/events';
import { RewardStatus } from '#contracts/generated/game/reward/v1/reward_service';
import { ExchangeStatus, WalletRewardStatus } from '#contracts/generated/game/wallet/v1/wallet_service';
import { rewardInWallet } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { call, callError } from '#testing/grpc-call';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { ScriptedGiftServer } from '#testing/scripted-gift-server';
import { TestSystem } from '#testing/test-system';

/**
 * Seed 000 NFR 1 and 3 on the wallet-to-gift call (cockatiel): a timeout per attempt, retries
 * with backoff only on transient errors, and a circuit breaker that opens on repeated failures
 * or slowness, answers "try again later" at once while open, and closes again on its own.
 */
describe('The wallet-to-gift call: timeouts, retries and the circuit breaker', function () {
  this.timeout(60_000);
  const HALF_OPEN_AFTER_MS = 1500;
  let system: TestSystem;
  let gift: ScriptedGiftServer;

  before(async () => {
    gift = await ScriptedGiftServer.start();
    system = await TestSystem.create('servers');
    await system.start(rewardModule);
    await system.start(walletModule, {
      overrides: {
        config: {
          giftAddress: gift.address,
          giftShop: { attemptTimeoutMs: 300, maxRetries: 2, breakerThreshold: 3, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
        },
      },
    });
    await system.start(missionModule);
  });

  after(async () => {
    await system?.close();
    await gift?.stop();
  });

  function exchange(customerId: string, rewardId: string) {
    const wallets = system.walletClient();
    return { client: wallets, request: { customerId, rewardId, giftId: 'scripted-gift', idempotencyKey: randomUUID() } };
  }

  async function expectRewardUntouched(customerId: string, rewardId: string): Promise<void> {
    const wallets = system.walletClient();
    const wallet = await call(wallets, wallets.getWallet, { customerId });
    expect(wallet.rewards.find((reward) => reward.rewardId === rewardId)?.status).to.equal(
      WalletRewardStatus.WALLET_REWARD_STATUS_AVAILABLE,
    );
    const rewards = system.rewardClient();
    expect((await call(rewards, rewards.getReward, { rewardId })).status).to.equal(RewardStatus.REWARD_STATUS_ISSUED);
  }

  it('retries a transient UNAVAILABLE with backoff, and the exchange then succeeds', async () => {
    const rewardId = await rewardInWallet(system, 'breaker-1');
    gift.calls = 0;
    gift.next({ kind: 'fail', code: status.UNAVAILABLE }, { kind: 'fail', code: status.UNAVAILABLE });
    const { client, request } = exchange('breaker-1', rewardId);
    const result = await call(client, client.exchangeReward, request);
    expect(result.status).to.equal(ExchangeStatus.EXCHANGE_STATUS_COMPLETED);
    expect(gift.calls).to.equal(3);
  });

  it('never retries a business error: out of stock is answered after one call and the reward stays as it was', async () => {
    const rewardId = await rewardInWallet(system, 'breaker-2');
    gift.calls = 0;
    gift.next({ kind: 'fail', code: status.RESOURCE_EXHAUSTED });
    const { client, request } = exchange('breaker-2', rewardId);
    const error = await callError(client, client.exchangeReward, request);
    expect(error.code).to.equal(status.RESOURCE_EXHAUSTED);
    expect(error.metadata.get('error-code')).to.deep.equal(['OUT_OF_STOCK']);
    expect(gift.calls).to.equal(1);
    await expectRewardUntouched('breaker-2', rewardId);
  });

  it('never retries NOT_FOUND (no such gift)', async () => {
    const rewardId = await rewardInWallet(system, 'breaker-3');
    gift.calls = 0;
    gift.next({ kind: 'fail', code: status.NOT_FOUND });
    const { client, request } = exchange('breaker-3', rewardId);
    expect((await callError(client, client.exchangeReward, request)).code).to.equal(status.NOT_FOUND);
    expect(gift.calls).to.equal(1);
  });

  it('opens after repeated failures: answers UNAVAILABLE at once with "try again later" and retry-after-ms, without calling the gift shop', async () => {
    const rewardId = await rewardInWallet(system, 'breaker-4');
    gift.always({ kind: 'fail', code: status.UNAVAILABLE });
    const first = exchange('breaker-4', rewardId);
    expect((await callError(first.client, first.client.exchangeReward, first.request)).code).to.equal(status.UNAVAILABLE);

    gift.calls = 0;
    const second = exchange('breaker-4', rewardId);
    const error = await callError(second.client, second.client.exchangeReward, second.request);
    expect(error.code).to.equal(status.UNAVAILABLE);
    expect(error.details).to.match(/try the exchange again in \d+ seconds?/);
    expect(error.metadata.get('error-code')).to.deep.equal(['GIFT_SHOP_UNAVAILABLE']);
    expect(Number(error.metadata.get('retry-after-ms')[0])).to.be.within(1, HALF_OPEN_AFTER_MS);
    expect(gift.calls, 'the open breaker does not call the gift shop').to.equal(0);
    await expectRewardUntouched('breaker-4', rewardId);
  });

  it('half-opens after a pause and, once the gift shop recovers, exchanges succeed again without a restart', async () => {
    const rewardId = await rewardInWallet(system, 'breaker-5');
    gift.always({ kind: 'ok' });
    // Refused fast while open (the same key may retry a failed exchange), completed once half-open.
    const { client, request } = exchange('breaker-5', rewardId);
    await eventually(
      async () => expect((await call(client, client.exchangeReward, request)).status).to.equal(ExchangeStatus.EXCHANGE_STATUS_COMPLETED),
      {
        timeoutMs: HALF_OPEN_AFTER_MS * 4,
        intervalMs: 100,
      },
    );
  });

  it('slowness opens it too: each attempt times out, then calls fail fast while the gift shop is slow', async () => {
    const rewardId = await rewardInWallet(system, 'breaker-6');
    gift.always({ kind: 'slow', delayMs: 2000 });
    const first = exchange('breaker-6', rewardId);
    const timedOut = await callError(first.client, first.client.exchangeReward, first.request);
    expect(timedOut.code).to.equal(status.UNAVAILABLE);

    gift.calls = 0;
    const second = exchange('breaker-6', rewardId);
    const error = await callError(second.client, second.client.exchangeReward, second.request);
    expect(error.code).to.equal(status.UNAVAILABLE);
    expect(gift.calls).to.equal(0);
    await expectRewardUntouched('breaker-6', rewardId);

    gift.always({ kind: 'ok' });
    const third = exchange('breaker-6', rewardId);
    await eventually(
      async () =>
        expect((await call(third.client, third.client.exchangeReward, third.request)).status).to.equal(
          ExchangeStatus.EXCHANGE_STATUS_COMPLETED,
        ),
      {
        timeoutMs: HALF_OPEN_AFTER_MS * 4,
        intervalMs: 100,
      },
    );
  });

  it('a failed exchange announces its order as abandoned, so the gift shop can release what it reserved', async () => {
    const rewardId = await rewardInWallet(system, 'breaker-7');
    gift.next({ kind: 'fail', code: status.RESOURCE_EXHAUSTED });
    const { client, request } = exchange('breaker-7', rewardId);
    await callError(client, client.exchangeReward, request);
    const [row] = await system.query<{ order_id: string; status: string }>(
      `select order_id, status from wallet.exchanges where customer_id = 'breaker-7'`,
    );
    expect(row.status).to.equal('failed');
    await eventually(async () =>
      expect(
        await system.count('wallet.outbox_events', `event_type = '${exchangeAbandoned.name}' and aggregate_id = '${rewardId}'`),
      ).to.equal(1),
    );
  });

  it('invalid exchange requests name the field and change nothing', async () => {
    const wallets = system.walletClient();
    const before = await system.count('wallet.exchanges');
    for (const [field, request] of [
      ['customer_id', { customerId: '', rewardId: randomUUID(), giftId: 'g', idempotencyKey: 'k' }],
      ['reward_id', { customerId: 'c', rewardId: 'not-a-uuid', giftId: 'g', idempotencyKey: 'k' }],
      ['gift_id', { customerId: 'c', rewardId: randomUUID(), giftId: 'bad gift', idempotencyKey: 'k' }],
      ['idempotency_key', { customerId: 'c', rewardId: randomUUID(), giftId: 'g', idempotencyKey: '' }],
    ] as const) {
      const error = await callError(wallets, wallets.exchangeReward, request);
      expect(error.code, field).to.equal(status.INVALID_ARGUMENT);
      expect(error.details).to.match(new RegExp(`^${field}: `));
      expect(error.metadata.get('error-field')).to.deep.equal([field]);
    }
    expect(await system.count('wallet.exchanges')).to.equal(before);
  });

  it("a reward that is not in the customer's wallet is NOT_FOUND", async () => {
    const wallets = system.walletClient();
    const error = await callError(wallets, wallets.exchangeReward, {
      customerId: 'nobody',
      rewardId: randomUUID(),
      giftId: 'g',
      idempotencyKey: 'k1',
    });
    expect(error.code).to.equal(status.NOT_FOUND);
    expect(error.metadata.get('error-code')).to.deep.equal(['REWARD_NOT_IN_WALLET']);
  });
});
