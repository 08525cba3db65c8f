import { expect } from 'chai';
import { achieveMissions, expectWalletToHold } from '#testing/chain-helpers';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { type Mode, TestSystem } from '#testing/test-system';

for (const mode of ['servers', 'embedded'] as Mode[]) {
  describe(`Competing consumers (${mode})`, function () {
    this.timeout(60_000);
    let system: TestSystem;

    before(async () => {
      system = await TestSystem.create(mode, { EVENTS_PREFETCH: '10' });
      await system.start(rewardModule);
      await system.start(rewardModule);
      await system.start(walletModule);
      await system.start(walletModule);
      await system.start(missionModule);
      await system.start(missionModule);
    });

    after(async () => system?.close());

    it('two replicas of each consumer process a burst with no duplicate and no loss', async () => {
      const burst = 200;
      const customers = ['burst-a', 'burst-b'];
      await Promise.all(customers.map((customer) => achieveMissions(system, customer, burst / 2)));
      for (const customer of customers) await expectWalletToHold(system, customer, burst / 2);

      for (const name of ['reward', 'wallet']) {
        const stats = system.instancesOf(name).map((instance) => instance.service.consumer?.stats.applied ?? 0);
        // Every event applied exactly once across the replicas.
        expect(
          stats.reduce((a, b) => a + b, 0),
          `${name} events applied`,
        ).to.equal(burst);
        if (mode === 'servers') expect(Math.min(...stats), `each ${name} replica took a share`).to.be.greaterThan(0);
      }
      expect(await system.count('reward.rewards')).to.equal(burst);
      expect(await system.count('wallet.wallet_rewards')).to.equal(burst);
    });
  });
}
