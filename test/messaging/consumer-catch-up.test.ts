import { expect } from 'chai';
import { achieveMissions, expectWalletToHold } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { type Mode, TestSystem } from '#testing/test-system';

for (const mode of ['servers', 'embedded'] as Mode[]) {
  describe(`Consumer catch-up (${mode})`, function () {
    this.timeout(60_000);
    let system: TestSystem;

    before(async () => {
      system = await TestSystem.create(mode);
      await system.start(rewardModule);
      await system.start(walletModule);
      await system.start(missionModule);
    });

    after(async () => system?.close());

    it('a reward service that was down issues every reward it missed once it restarts', async () => {
      const [reward] = system.instancesOf('reward');
      await reward.stop();
      await achieveMissions(system, 'catch-up-1', 20);
      // The missions are on the broker (the relay published them) while no reward service runs.
      await eventually(async () => expect(await system.count('mission.outbox_events', 'published_at is null')).to.equal(0));
      expect(await system.count('reward.rewards', `customer_id = 'catch-up-1'`)).to.equal(0);

      await system.start(rewardModule);
      await expectWalletToHold(system, 'catch-up-1', 20);
    });

    it('a wallet service that was down credits every reward it missed once it restarts', async () => {
      const [wallet] = system.instancesOf('wallet');
      await wallet.stop();
      await achieveMissions(system, 'catch-up-2', 20);
      // Every reward was issued and announced while no wallet service runs.
      await eventually(async () => {
        expect(await system.count('reward.rewards', `customer_id = 'catch-up-2'`)).to.equal(20);
        expect(await system.count('reward.outbox_events', 'published_at is null')).to.equal(0);
      });
      expect(await system.count('wallet.wallet_rewards', `customer_id = 'catch-up-2'`)).to.equal(0);

      await system.start(walletModule);
      await expectWalletToHold(system, 'catch-up-2', 20);
    });
  });
}
