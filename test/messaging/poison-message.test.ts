import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { missionAchieved, rewardIssued } from '#contracts/events';
import { newEvent } from '#platform/events/event-type';
import { achieveMissions, expectWalletToHold, missionAchievedEvent } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { type Mode, TestSystem } from '#testing/test-system';

for (const mode of ['servers', 'embedded'] as Mode[]) {
  describe(`Poison messages (${mode})`, function () {
    this.timeout(60_000);
    let system: TestSystem;

    before(async () => {
      // EVENTS_MAX_ATTEMPTS=3 and EVENTS_RETRY_DELAY_MS=100 come from the harness.
      system = await TestSystem.create(mode);
      await system.start(rewardModule);
      await system.start(walletModule);
      await system.start(missionModule);
    });

    after(async () => system?.close());

    it('an event whose payload does not decode goes to the dead-letter queue and the consumer keeps going', async () => {
      const garbage = { ...missionAchievedEvent(randomUUID(), 'poison-1'), payload: Buffer.from([0x0a, 0xff, 0x01]) };
      await system.publish([garbage]);
      await eventually(async () => expect(await system.deadLetterCount('reward')).to.equal(1));
      await achieveMissions(system, 'poison-1', 2);
      await expectWalletToHold(system, 'poison-1', 2);
    });

    it('an event that keeps failing is retried a bounded number of times with a delay, then dead-lettered', async () => {
      const [mission] = system.instancesOf('mission');
      const retriedBefore = mission.service.consumer?.stats.retried ?? 0;
      const deadBefore = await system.deadLetterCount('mission');
      // A reward for a mission that does not exist can never be recorded.
      const orphan = newEvent(
        rewardIssued,
        { rewardId: randomUUID(), missionId: randomUUID(), customerId: 'orphan', issuedAt: new Date() },
        'x',
      );
      const started = Date.now();
      await system.publish([orphan]);
      await eventually(async () => expect(await system.deadLetterCount('mission')).to.equal(deadBefore + 1));
      // Three attempts: two retries, each after the retry delay, so no hot loop.
      expect((mission.service.consumer?.stats.retried ?? 0) - retriedBefore).to.equal(2);
      expect(Date.now() - started).to.be.at.least(200);
      await achieveMissions(system, 'poison-2', 1);
      await expectWalletToHold(system, 'poison-2', 1);
    });

    if (mode === 'servers') {
      it('a message without the event envelope (no message id) is dead-lettered at once', async () => {
        const before = await system.deadLetterCount('reward');
        await system.publishRaw(missionAchieved.routingKey, Buffer.from('not protobuf'), { type: missionAchieved.name });
        await eventually(async () => expect(await system.deadLetterCount('reward')).to.equal(before + 1));
      });
    }
  });
}
