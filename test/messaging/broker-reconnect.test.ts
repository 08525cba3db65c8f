import { expect } from 'chai';
import { achieveMissions, expectWalletToHold } from '#testing/chain-helpers';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';

describe('Broker connection dropped and restored', function () {
  this.timeout(90_000);
  let system: TestSystem;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(rewardModule);
    await system.start(walletModule);
    await system.start(missionModule);
  });

  after(async () => system?.close());

  it('the flow resumes with no lost event after the broker closes every connection', async () => {
    await achieveMissions(system, 'reconnect-1', 10, 'before');
    await expectWalletToHold(system, 'reconnect-1', 10);

    expect(await system.dropBrokerConnections()).to.be.greaterThan(0);
    // Missions keep being achieved while the services reconnect: the outbox holds their events.
    await achieveMissions(system, 'reconnect-1', 10, 'during');
    await expectWalletToHold(system, 'reconnect-1', 20, 30_000);

    await achieveMissions(system, 'reconnect-1', 10, 'after');
    await expectWalletToHold(system, 'reconnect-1', 30, 30_000);
  });
});
