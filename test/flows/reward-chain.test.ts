import { expect } from 'chai';
import { MissionStatus } from '#contracts/generated/game/mission/v1/mission_service';
import { RewardStatus } from '#contracts/generated/game/reward/v1/reward_service';
import { WalletRewardStatus } from '#contracts/generated/game/wallet/v1/wallet_service';
import { eventually } from '#testing/eventually';
import { call } from '#testing/grpc-call';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { type Mode, TestSystem } from '#testing/test-system';

/**
 * Seed 000, requirements 1-3 and 6, end to end through real gRPC: a customer achieves a mission
 * (1), a reward is issued for it (2), it appears in the wallet and the mission records the
 * reward's id (3), and the customer can look at missions and wallet at any time (6).
 */
const MODES: { mode: Mode; title: string }[] = [
  { mode: 'servers', title: 'on Postgres and RabbitMQ' },
  { mode: 'embedded', title: 'in embedded mode (PGlite, in-process events)' },
];

for (const { mode, title } of MODES) {
  describe(`The reward chain ${title}`, function () {
    this.timeout(60_000);
    let system: TestSystem;

    before(async () => {
      system = await TestSystem.create(mode);
      await system.start(rewardModule);
      await system.start(walletModule);
      await system.start(missionModule);
    });

    after(async () => system?.close());

    it('achieving a mission issues a reward into the wallet and the mission records the reward id', async () => {
      const missions = system.missionClient();
      const achieved = await call(missions, missions.achieveMission, {
        customerId: '11',
        eventCode: 'summer-2026',
        missionCode: 'first-win',
      });
      expect(achieved.status).to.equal(MissionStatus.MISSION_STATUS_ACHIEVED);
      expect(achieved.rewardId).to.equal('');

      const mission = await eventually(async () => {
        const current = await call(missions, missions.getMission, { missionId: achieved.missionId });
        expect(current.status).to.equal(MissionStatus.MISSION_STATUS_REWARDED);
        return current;
      });

      const rewards = system.rewardClient();
      const reward = await call(rewards, rewards.getReward, { rewardId: mission.rewardId });
      expect(reward).to.include({ missionId: achieved.missionId, customerId: '11', status: RewardStatus.REWARD_STATUS_ISSUED });

      const wallets = system.walletClient();
      const wallet = await eventually(() => call(wallets, wallets.getWallet, { customerId: '11' }));
      expect(wallet.availableCount).to.equal(1);
      expect(wallet.rewards).to.have.length(1);
      expect(wallet.rewards[0]).to.include({
        rewardId: reward.rewardId,
        missionId: achieved.missionId,
        status: WalletRewardStatus.WALLET_REWARD_STATUS_AVAILABLE,
      });
    });

    it('the customer sees every achieved mission and every wallet reward at any time', async () => {
      const missions = system.missionClient();
      const codes = ['daily-login', 'boss-raid', 'collect-10'];
      for (const missionCode of codes)
        await call(missions, missions.achieveMission, { customerId: 'c-6', eventCode: 'summer-2026', missionCode });

      await eventually(async () => {
        const page = await call(missions, missions.listMissions, { customerId: 'c-6', pageSize: 0, pageToken: '' });
        expect(page.missions.map((m) => m.missionCode)).to.have.members(codes);
        expect(page.missions.every((m) => m.status === MissionStatus.MISSION_STATUS_REWARDED)).to.equal(true);
        const wallets = system.walletClient();
        const wallet = await call(wallets, wallets.getWallet, { customerId: 'c-6' });
        expect(wallet.availableCount).to.equal(codes.length);
        expect(wallet.rewards.map((r) => r.rewardId)).to.have.members(page.missions.map((m) => m.rewardId));
      });
    });

    it('achieving the same mission twice gives one mission and one reward', async () => {
      const missions = system.missionClient();
      const request = { customerId: 'twice', eventCode: 'summer-2026', missionCode: 'first-win' };
      await call(missions, missions.achieveMission, request);
      await call(missions, missions.achieveMission, request).then(
        () => expect.fail('the second achievement must be refused'),
        (error) => expect(error.code).to.equal(6 /* ALREADY_EXISTS */),
      );
      await eventually(async () => expect(await system.count('wallet.wallet_rewards', `customer_id = 'twice'`)).to.equal(1));
      expect(await system.count('mission.missions', `customer_id = 'twice'`)).to.equal(1);
      expect(await system.count('reward.rewards', `customer_id = 'twice'`)).to.equal(1);
    });
  });
}
