import { expect } from 'chai';
import { achieveMissions, chainProcessedPast, expectWalletToHold } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { type Mode, TestSystem } from '#testing/test-system';

for (const mode of ['servers', 'embedded'] as Mode[]) {
  describe(`Crash between commit and publish (${mode})`, function () {
    this.timeout(60_000);
    let system: TestSystem;

    before(async () => {
      system = await TestSystem.create(mode);
      await system.start(rewardModule);
      await system.start(walletModule);
    });

    after(async () => system?.close());

    it('missions committed by a process that died before publishing are announced after a restart', async () => {
      // A mission service whose relay never runs: it commits, then "dies" before publishing.
      const crashed = await system.start(missionModule, { relay: false });
      await achieveMissions(system, 'crash-1', 5);
      expect(await system.count('mission.outbox_events', 'published_at is null')).to.equal(5);
      await chainProcessedPast(system, 'broker');
      expect(await system.count('reward.rewards', `customer_id = 'crash-1'`)).to.equal(0);
      await crashed.stop();

      await system.start(missionModule);
      await expectWalletToHold(system, 'crash-1', 5);
      await eventually(async () => expect(await system.count('mission.outbox_events', 'published_at is null')).to.equal(0));
    });

    it('a failed transaction publishes nothing (no event without its change)', async () => {
      const before = await system.count('mission.outbox_events');
      const missions = system.missionClient();
      await new Promise<void>((resolve) =>
        missions.achieveMission({ customerId: 'bad id', eventCode: 'e', missionCode: 'm' }, () => resolve()),
      );
      expect(await system.count('mission.outbox_events')).to.equal(before);
    });
  });
}
