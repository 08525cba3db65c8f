import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { chainProcessedPast, missionAchievedEvent } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { rewardModule, walletModule } from '#testing/platform-modules';
import { type Mode, TestSystem } from '#testing/test-system';

for (const mode of ['servers', 'embedded'] as Mode[]) {
  describe(`Duplicate delivery (${mode})`, function () {
    this.timeout(60_000);
    let system: TestSystem;

    before(async () => {
      system = await TestSystem.create(mode);
      await system.start(rewardModule);
      await system.start(walletModule);
    });

    after(async () => system?.close());

    it('the same event delivered twice issues one reward and credits the wallet once', async () => {
      const event = missionAchievedEvent(randomUUID(), 'dup-1');
      await system.publish([event]);
      await system.publish([event]);
      await eventually(async () => expect(await system.count('wallet.wallet_rewards', `customer_id = 'dup-1'`)).to.equal(1));
      await chainProcessedPast(system, 'broker');
      expect(await system.count('reward.rewards', `customer_id = 'dup-1'`)).to.equal(1);
      expect(await system.count('reward.inbox_events', `event_id = '${event.id}'`)).to.equal(1);
      expect(await system.count('wallet.wallet_rewards', `customer_id = 'dup-1'`)).to.equal(1);
    });

    it('the same event twice in one batch is applied once', async () => {
      const event = missionAchievedEvent(randomUUID(), 'dup-2');
      await system.publish([event, event, event]);
      await eventually(async () => expect(await system.count('wallet.wallet_rewards', `customer_id = 'dup-2'`)).to.equal(1));
      await chainProcessedPast(system, 'broker');
      expect(await system.count('reward.rewards', `customer_id = 'dup-2'`)).to.equal(1);
    });

    it('two different events for one mission still issue one reward (one reward per mission)', async () => {
      const missionId = randomUUID();
      await system.publish([missionAchievedEvent(missionId, 'dup-3'), missionAchievedEvent(missionId, 'dup-3')]);
      await eventually(async () => expect(await system.count('reward.inbox_events')).to.be.greaterThan(0));
      await eventually(async () => expect(await system.count('wallet.wallet_rewards', `customer_id = 'dup-3'`)).to.equal(1));
      await chainProcessedPast(system, 'broker');
      expect(await system.count('reward.rewards', `mission_id = '${missionId}'`)).to.equal(1);
    });
  });
}
