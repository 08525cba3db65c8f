import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { missionAchieved, rewardIssued } from '#contracts/events';
import { GiftServiceClient } from '#contracts/generated/game/gift/v1/gift_service';
import { MissionServiceService } from '#contracts/generated/game/mission/v1/mission_service';
import { WalletServiceClient } from '#contracts/generated/game/wallet/v1/wallet_service';
import { SERVICE_CLIENT_OPTIONS } from '#platform/grpc/channel-options';
import { serviceNameOf } from '#platform/grpc/service-name';
import { expectWalletToHold } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { call, callError } from '#testing/grpc-call';
import { promtoolCheckMetrics, sampleValue, scrape } from '#testing/metrics-scrape';
import { ProcessCluster } from '#testing/process-cluster';
import { TestSystem } from '#testing/test-system';

/**
 * Each service as its own process (the `make up` topology), each with its metrics port: after a
 * known workload every endpoint shows exactly what happened, and promtool finds nothing to lint.
 */
describe('Prometheus metrics of each service process after a known workload', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let cluster: ProcessCluster;
  const customerId = `metrics-${randomUUID().slice(0, 8)}`;
  const port = (service: string) => cluster.replica(service, 0).metricsPort;

  before(async () => {
    system = await TestSystem.create('servers');
    // Ports of its own (24000-24040, metrics 25000-25040): other suites use the default range.
    cluster = new ProcessCluster(system, { delivery: 1, gift: 1, reward: 1, wallet: 1, mission: 1 }, { basePort: 24000 });
    await cluster.startAll();
    const missions = cluster.missionClient();
    for (let i = 0; i < 10; i += 1)
      await call(missions, missions.achieveMission, { customerId, eventCode: 'metrics', missionCode: `m-${i}` });
    await expectWalletToHold(system, customerId, 10, 60_000);
  });

  after(async () => {
    await cluster?.stopAll();
    await system?.close();
  });

  it('10 missions: missions_achieved_total 10, rewards_issued_total 10, 10 applied per consumer, outbox empty, no dead letters', async () => {
    await eventually(
      async () => {
        const mission = (await scrape(port('mission'))).samples;
        expect(sampleValue(mission, 'missions_achieved_total')).to.equal(10);
        expect(
          sampleValue(mission, 'grpc_server_handled_total', {
            grpc_service: serviceNameOf(MissionServiceService),
            grpc_method: 'AchieveMission',
            grpc_code: 'OK',
          }),
        ).to.equal(10);
        expect(sampleValue(mission, 'grpc_server_handling_seconds_count', { grpc_method: 'AchieveMission' })).to.equal(10);
        expect(
          sampleValue(mission, 'events_consumed_total', {
            service: 'mission',
            event_type: rewardIssued.name,
            outcome: 'applied',
          }),
        ).to.equal(10);
        expect(sampleValue(mission, 'outbox_pending_events', { service: 'mission' })).to.equal(0);
        expect(sampleValue(mission, 'outbox_oldest_pending_age_seconds', { service: 'mission' })).to.equal(0);
        expect(sampleValue(mission, 'events_published_total', { service: 'mission', event_type: missionAchieved.name })).to.equal(10);

        const reward = (await scrape(port('reward'))).samples;
        expect(sampleValue(reward, 'rewards_issued_total')).to.equal(10);
        expect(
          sampleValue(reward, 'events_consumed_total', {
            service: 'reward',
            event_type: missionAchieved.name,
            outcome: 'applied',
          }),
        ).to.equal(10);
        expect(sampleValue(reward, 'event_lag_seconds_count', { service: 'reward', event_type: missionAchieved.name })).to.equal(10);
        expect(sampleValue(reward, 'outbox_pending_events', { service: 'reward' })).to.equal(0);

        const wallet = (await scrape(port('wallet'))).samples;
        expect(
          sampleValue(wallet, 'events_consumed_total', {
            service: 'wallet',
            event_type: rewardIssued.name,
            outcome: 'applied',
          }),
        ).to.equal(10);
        expect(sampleValue(wallet, 'event_dead_letter_messages', { service: 'wallet' })).to.equal(0);
        expect(sampleValue(wallet, 'event_queue_messages', { service: 'wallet' })).to.equal(0);
        expect(sampleValue(wallet, 'event_queue_consumers', { service: 'wallet' })).to.equal(1);
        expect(sampleValue(wallet, 'gift_shop_breaker_state', { state: 'closed' })).to.equal(1);
        expect(sampleValue(wallet, 'gift_shop_breaker_state', { state: 'open' })).to.equal(0);
        expect(sampleValue(wallet, 'db_pool_max_connections', { service: 'wallet' })).to.equal(system.config.databasePoolSize);
        expect(
          wallet.some((sample) => sample.name === 'db_pool_connections' && sample.labels.service === 'wallet' && sample.value > 0),
        ).to.equal(true);
      },
      { timeoutMs: 30_000 },
    );
  });

  it('an exchange completed, one refused for lack of stock and one order cancelled are counted by reason', async () => {
    const gifts = system.client(GiftServiceClient, cluster.target('gift'), 'request-owner', SERVICE_CLIENT_OPTIONS);
    const wallets = system.client(WalletServiceClient, cluster.target('wallet'), 'request-owner', SERVICE_CLIENT_OPTIONS);
    const giftId = `metrics-gift-${randomUUID().slice(0, 8)}`;
    await call(gifts, gifts.createGift, { giftId, name: 'Metrics gift', stockCount: 1 });
    const wallet = await call(wallets, wallets.getWallet, { customerId });
    const [first, second] = wallet.rewards;
    const exchanged = await call(wallets, wallets.exchangeReward, {
      customerId,
      rewardId: first.rewardId,
      giftId,
      idempotencyKey: randomUUID(),
    });
    await callError(wallets, wallets.exchangeReward, { customerId, rewardId: second.rewardId, giftId, idempotencyKey: randomUUID() });
    await call(gifts, gifts.cancelGiftOrder, { orderId: exchanged.orderId, customerId });
    await eventually(
      async () => {
        const walletSamples = (await scrape(port('wallet'))).samples;
        expect(sampleValue(walletSamples, 'exchanges_completed_total')).to.equal(1);
        expect(sampleValue(walletSamples, 'exchanges_failed_total', { reason: 'OUT_OF_STOCK' })).to.equal(1);
        expect(sampleValue((await scrape(port('gift'))).samples, 'gift_orders_cancelled_total')).to.equal(1);
      },
      { timeoutMs: 30_000 },
    );
  });

  it('every endpoint passes promtool check metrics', async () => {
    for (const service of ['mission', 'reward', 'wallet', 'gift', 'delivery']) {
      const { text } = await scrape(port(service));
      expect(await promtoolCheckMetrics(text), `${service} metrics`).to.equal('');
    }
  });
});
