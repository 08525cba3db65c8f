import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { type Mission, type MissionServiceClient, MissionStatus } from '#contracts/generated/game/mission/v1/mission_service';
import { WalletRewardStatus, type WalletServiceClient } from '#contracts/generated/game/wallet/v1/wallet_service';
import { chainProcessedPast } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { expectInvalidArgument } from '#testing/grpc-assertions';
import { call, callError } from '#testing/grpc-call';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';

/**
 * The WalletService contract (proto/game/wallet/v1/wallet_service.proto) over real gRPC on
 * Postgres and RabbitMQ. Wallets fill only by events: rewards come from missions achieved over
 * gRPC, awaited until the mission is REWARDED and the wallet holds its reward.
 */

describe('WalletService contract over gRPC', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let missions: MissionServiceClient;
  let wallets: WalletServiceClient;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(rewardModule);
    await system.start(walletModule);
    await system.start(missionModule);
    missions = system.missionClient();
    wallets = system.walletClient();
  });

  after(async () => {
    missions?.close();
    wallets?.close();
    await system?.close();
  });

  /** Achieves missions in order and waits until each is REWARDED and in the wallet; returns them in order. */
  async function rewardedMissions(customerId: string, count: number): Promise<Mission[]> {
    const achieved: Mission[] = [];
    for (let i = 0; i < count; i += 1) {
      achieved.push(await call(missions, missions.achieveMission, { customerId, eventCode: 'summer-2026', missionCode: `m-${i}` }));
    }
    return eventually(
      async () => {
        const current: Mission[] = [];
        for (const mission of achieved) current.push(await call(missions, missions.getMission, { missionId: mission.missionId }));
        for (const mission of current) expect(mission.status).to.equal(MissionStatus.MISSION_STATUS_REWARDED);
        expect(await system.count('wallet.wallet_rewards', `customer_id = '${customerId}'`)).to.equal(count);
        return current;
      },
      { timeoutMs: 20_000 },
    );
  }

  describe('GetWallet', () => {
    it('holds one AVAILABLE reward per rewarded mission, naming reward and mission, with available_count', async () => {
      const rewarded = await rewardedMissions('gw-ok', 3);
      const wallet = await call(wallets, wallets.getWallet, { customerId: 'gw-ok' });
      expect(wallet.customerId).to.equal('gw-ok');
      expect(wallet.availableCount).to.equal(3);
      expect(wallet.rewards).to.have.length(3);
      expect(wallet.rewards.map((reward) => ({ rewardId: reward.rewardId, missionId: reward.missionId }))).to.have.deep.members(
        rewarded.map((mission) => ({ rewardId: mission.rewardId, missionId: mission.missionId })),
      );
      for (const reward of wallet.rewards) {
        expect(reward.status).to.equal(WalletRewardStatus.WALLET_REWARD_STATUS_AVAILABLE);
        expect(reward.addedAt).to.be.instanceOf(Date);
      }
    });

    it("lists the wallet's rewards newest first", async () => {
      await rewardedMissions('gw-order', 4);
      const wallet = await call(wallets, wallets.getWallet, { customerId: 'gw-order' });
      const stored = await system.query<{ reward_id: string }>(
        `select reward_id from wallet.wallet_rewards where customer_id = 'gw-order' order by seq desc`,
      );
      expect(wallet.rewards.map((reward) => reward.rewardId)).to.deep.equal(stored.map((row) => row.reward_id));
      const times = wallet.rewards.map((reward) => reward.addedAt!.getTime());
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    });

    it("shows only the asked customer's rewards", async () => {
      const mine = await rewardedMissions('gw-mine', 1);
      await rewardedMissions('gw-theirs', 2);
      const wallet = await call(wallets, wallets.getWallet, { customerId: 'gw-mine' });
      expect(wallet.rewards.map((reward) => reward.rewardId)).to.deep.equal([mine[0].rewardId]);
      expect(wallet.availableCount).to.equal(1);
    });

    it('answers NOT_FOUND with WALLET_NOT_FOUND for a well-formed customer no reward ever reached', async () => {
      const error = await callError(wallets, wallets.getWallet, { customerId: 'gw-nobody' });
      expect(error.code, error.message).to.equal(status.NOT_FOUND);
      expect(error.metadata.get('error-code')).to.deep.equal(['WALLET_NOT_FOUND']);
      expect(error.metadata.get('error-field')).to.deep.equal([]);
      expect(error.details).to.include('gw-nobody');
    });

    it('a refused achievement puts nothing in a wallet: the customer still has no wallet', async () => {
      await callError(missions, missions.achieveMission, { customerId: 'gw-refused', eventCode: 'summer-2026', missionCode: 'bad code' });
      await chainProcessedPast(system, 'mission');
      const error = await callError(wallets, wallets.getWallet, { customerId: 'gw-refused' });
      expect(error.code, error.message).to.equal(status.NOT_FOUND);
    });

    for (const { what, value } of [
      { what: 'an empty', value: '' },
      { what: 'a 65-character', value: 'w'.repeat(65) },
      { what: 'a space-containing', value: 'has space' },
      { what: 'a slash-containing', value: '../etc' },
      { what: 'a percent-containing', value: '100%' },
      { what: 'a non-ASCII', value: 'kunde-ß' },
    ]) {
      it(`refuses ${what} customer_id with INVALID_ARGUMENT naming customer_id`, async () => {
        expectInvalidArgument(await callError(wallets, wallets.getWallet, { customerId: value }), 'customer_id');
      });
    }
  });
});
