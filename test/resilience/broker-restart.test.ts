import { expect } from 'chai';
import { sleep } from '#testing/eventually';
import { expectEachMissionCreditedOnce, steadyMissionLoad } from '#testing/mission-load';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { PrivateBroker } from '#testing/private-broker';
import { TestSystem } from '#testing/test-system';

/**
 * The broker restarted under load, on a RabbitMQ node of the test's own (the shared broker is
 * never touched): once its application only (stop_app / start_app: every connection dropped,
 * the queues down), once the whole node (stop, then boot again on the same data). The queues are
 * quorum queues; the relays keep unpublished events in the outbox and the consumers reconnect,
 * so nothing is lost and nothing is done twice.
 */
describe('Broker restarted under load (a private RabbitMQ node)', function () {
  this.timeout(300_000);
  let broker: PrivateBroker | undefined;
  let system: TestSystem | undefined;

  before(async () => {
    broker = await PrivateBroker.start();
    system = await TestSystem.create('servers', {}, { amqpUrl: broker.url });
    // Consumers first, so their queues exist before the first MissionAchieved is published.
    await system.start(walletModule);
    await system.start(rewardModule);
    await system.start(missionModule);
  });
  after(async () => {
    await system?.close();
    await broker?.stop();
  });

  it('declares every service queue, retry queue and dead-letter queue as a quorum queue', async () => {
    const queues = (await (broker as PrivateBroker).queues()).filter((queue) => queue.name.startsWith(`${system?.config.queuePrefix}.`));
    expect(queues.map((queue) => queue.name).sort()).to.deep.equal(
      ['mission', 'reward', 'wallet']
        .flatMap((name) => ['', '.dlq', '.retry'].map((suffix) => `${system?.config.queuePrefix}.${name}${suffix}`))
        .sort(),
    );
    for (const queue of queues) expect(queue.type, queue.name).to.equal('quorum');
  });

  it('loses nothing and does nothing twice across an application restart and a node restart', async () => {
    const live = system as TestSystem;
    const node = broker as PrivateBroker;
    const missions = live.missionClient();
    try {
      // AchieveMission needs only the database: every call succeeds while the broker is away.
      const progress = async () =>
        `${await live.count('mission.missions', `customer_id like 'brk-%'`)} missions stored, ${await live.count('wallet.wallet_rewards', `customer_id like 'brk-%'`)} credited`;
      const seen: string[] = [];
      const scenario = (async () => {
        await sleep(2_000);
        seen.push(`application restarted at ${await progress()}`);
        await node.restartApp();
        await sleep(2_000);
        seen.push(`node restarted at ${await progress()}`);
        await node.restartNode();
        await sleep(2_000);
      })();
      const load = steadyMissionLoad(missions, { customerPrefix: 'brk', count: 200, intervalMs: 25, until: scenario });
      await scenario;
      const result = await load;
      process.stderr.write(`      ${seen.join('; ')}; ${result.missions} missions sent\n`);
      expect(Object.fromEntries(result.failures), 'failed AchieveMission calls by code').to.deep.equal({});
      await expectEachMissionCreditedOnce(live, 'brk', result.missions);
    } finally {
      missions.close();
    }
    for (const service of ['reward', 'wallet']) expect(await live.deadLetterCount(service), `${service} dead letters`).to.equal(0);
  });
});
