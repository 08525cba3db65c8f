import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { type Mission, type MissionServiceClient, MissionStatus } from '#contracts/generated/game/mission/v1/mission_service';
import { type Reward, type RewardServiceClient, RewardStatus } from '#contracts/generated/game/reward/v1/reward_service';
import { eventually } from '#testing/eventually';
import { expectInvalidArgument } from '#testing/grpc-assertions';
import { call, callError } from '#testing/grpc-call';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';

/**
 * The RewardService contract (proto/game/reward/v1/reward_service.proto) over real gRPC on
 * Postgres and RabbitMQ. Rewards are issued only by events, so every reward here comes from a
 * mission achieved over gRPC and awaited until the mission is REWARDED.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_REWARD_ID = 'b7e2d4c1-0a9f-4e3d-8c2b-1a0f9e8d7c6b';

const BAD_CUSTOMER_IDS: { what: string; value: string }[] = [
  { what: 'an empty', value: '' },
  { what: 'a 65-character', value: 'c'.repeat(65) },
  { what: 'a space-containing', value: 'has space' },
  { what: 'a slash-containing', value: 'a/b' },
  { what: 'a quote-containing', value: "o'brien" },
];

describe('RewardService contract over gRPC', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let missions: MissionServiceClient;
  let rewards: RewardServiceClient;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(rewardModule);
    await system.start(walletModule);
    await system.start(missionModule);
    missions = system.missionClient();
    rewards = system.rewardClient();
  });

  after(async () => {
    missions?.close();
    rewards?.close();
    await system?.close();
  });

  /** Achieves missions one after the other and waits until each is REWARDED; returns them in order. */
  async function rewardedMissions(customerId: string, count: number): Promise<Mission[]> {
    const achieved: Mission[] = [];
    for (let i = 0; i < count; i += 1) {
      achieved.push(
        await call(missions, missions.achieveMission, {
          customerId,
          eventCode: 'summer-2026',
          missionCode: `m-${String(i).padStart(2, '0')}`,
        }),
      );
    }
    return eventually(
      async () => {
        const current: Mission[] = [];
        for (const mission of achieved) current.push(await call(missions, missions.getMission, { missionId: mission.missionId }));
        for (const mission of current) expect(mission.status).to.equal(MissionStatus.MISSION_STATUS_REWARDED);
        return current;
      },
      { timeoutMs: 20_000 },
    );
  }

  /** Reward ids of a customer in stored order, newest first (the order ListRewards promises). */
  async function storedNewestFirst(customerId: string): Promise<string[]> {
    const rows = await system.query<{ id: string }>(`select id from reward.rewards where customer_id = '${customerId}' order by seq desc`);
    return rows.map((row) => row.id);
  }

  describe('GetReward', () => {
    it('returns the reward issued for an achieved mission: its id, mission, customer, ISSUED status and issue time', async () => {
      const [mission] = await rewardedMissions('gr-ok', 1);
      const reward = await call(rewards, rewards.getReward, { rewardId: mission.rewardId });
      expect(reward.rewardId).to.equal(mission.rewardId);
      expect(reward.rewardId).to.match(UUID);
      expect(reward).to.include({ missionId: mission.missionId, customerId: 'gr-ok', status: RewardStatus.REWARD_STATUS_ISSUED });
      expect(reward.issuedAt).to.be.instanceOf(Date);
      expect(reward.issuedAt!.getTime()).to.be.at.least(mission.achievedAt!.getTime());
      expect(reward.issuedAt!.getTime()).to.be.at.most(mission.rewardedAt!.getTime());
    });

    it('accepts the reward id in upper case', async () => {
      const [mission] = await rewardedMissions('gr-upper', 1);
      const reward = await call(rewards, rewards.getReward, { rewardId: mission.rewardId.toUpperCase() });
      expect(reward.rewardId).to.equal(mission.rewardId);
    });

    for (const { what, value } of [
      { what: 'an empty', value: '' },
      { what: 'a non-UUID', value: 'reward-1' },
      { what: 'an undashed UUID', value: UNKNOWN_REWARD_ID.replaceAll('-', '') },
      { what: 'a braced UUID', value: `{${UNKNOWN_REWARD_ID}}` },
    ]) {
      it(`refuses ${what} reward_id with INVALID_ARGUMENT naming reward_id`, async () => {
        expectInvalidArgument(await callError(rewards, rewards.getReward, { rewardId: value }), 'reward_id');
      });
    }

    it('answers NOT_FOUND with REWARD_NOT_FOUND for a well-formed reward id that does not exist', async () => {
      const error = await callError(rewards, rewards.getReward, { rewardId: UNKNOWN_REWARD_ID });
      expect(error.code, error.message).to.equal(status.NOT_FOUND);
      expect(error.metadata.get('error-code')).to.deep.equal(['REWARD_NOT_FOUND']);
      expect(error.metadata.get('error-field')).to.deep.equal([]);
      expect(error.details).to.include(UNKNOWN_REWARD_ID);
    });

    it('a mission id is not a reward id: GetReward with a mission id is NOT_FOUND', async () => {
      const [mission] = await rewardedMissions('gr-mission-id', 1);
      const error = await callError(rewards, rewards.getReward, { rewardId: mission.missionId });
      expect(error.code, error.message).to.equal(status.NOT_FOUND);
      expect(error.metadata.get('error-code')).to.deep.equal(['REWARD_NOT_FOUND']);
    });
  });

  describe('ListRewards', () => {
    const list = (customerId: string, pageSize = 0, pageToken = '') =>
      call(rewards, rewards.listRewards, { customerId, pageSize, pageToken });

    it('lists an unknown customer as empty with no next page token (not an error)', async () => {
      const page = await list('lr-nobody');
      expect(page.rewards).to.deep.equal([]);
      expect(page.nextPageToken).to.equal('');
    });

    it("lists one reward per rewarded mission, each naming its mission, and only the asked customer's", async () => {
      const mine = await rewardedMissions('lr-mine', 3);
      await rewardedMissions('lr-theirs', 2);
      const page = await list('lr-mine');
      expect(page.nextPageToken).to.equal('');
      expect(page.rewards.map((reward) => reward.rewardId)).to.have.members(mine.map((mission) => mission.rewardId));
      expect(page.rewards.map((reward) => reward.missionId)).to.have.members(mine.map((mission) => mission.missionId));
      for (const reward of page.rewards) expect(reward).to.include({ customerId: 'lr-mine', status: RewardStatus.REWARD_STATUS_ISSUED });
    });

    it('returns at most page_size rewards, newest first, and a next_page_token when more remain', async () => {
      await rewardedMissions('lr-size', 5);
      const page = await list('lr-size', 2);
      expect(page.rewards.map((reward) => reward.rewardId)).to.deep.equal((await storedNewestFirst('lr-size')).slice(0, 2));
      expect(page.nextPageToken).to.not.equal('');
    });

    it('walks every page with next_page_token: newest first, no duplicates, nothing missed, empty token on the last page', async () => {
      const rewarded = await rewardedMissions('lr-walk', 7);
      const seen: Reward[] = [];
      const pageLengths: number[] = [];
      let token = '';
      for (let pages = 0; pages < 10; pages += 1) {
        const page = await list('lr-walk', 3, token);
        pageLengths.push(page.rewards.length);
        seen.push(...page.rewards);
        token = page.nextPageToken;
        if (token === '') break;
      }
      expect(token).to.equal('');
      expect(pageLengths).to.deep.equal([3, 3, 1]);
      const ids = seen.map((reward) => reward.rewardId);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(ids).to.have.members(rewarded.map((mission) => mission.rewardId));
      expect(ids).to.deep.equal(await storedNewestFirst('lr-walk'));
      const times = seen.map((reward) => reward.issuedAt!.getTime());
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    });

    it('uses a page size of 20 when page_size is 0, and allows page_size 100', async () => {
      await rewardedMissions('lr-default', 21);
      const defaultPage = await list('lr-default', 0);
      expect(defaultPage.rewards).to.have.length(20);
      expect(defaultPage.nextPageToken).to.not.equal('');
      const rest = await list('lr-default', 0, defaultPage.nextPageToken);
      expect(rest.rewards).to.have.length(1);
      expect(rest.nextPageToken).to.equal('');
      const maxPage = await list('lr-default', 100);
      expect(maxPage.rewards).to.have.length(21);
      expect(maxPage.nextPageToken).to.equal('');
    });

    for (const pageSize of [101, -1]) {
      it(`refuses page_size ${pageSize} with INVALID_ARGUMENT naming page_size`, async () => {
        expectInvalidArgument(
          await callError(rewards, rewards.listRewards, { customerId: 'lr-bad-size', pageSize, pageToken: '' }),
          'page_size',
        );
      });
    }

    for (const { what, token } of [
      { what: 'a garbage', token: 'garbage!!' },
      { what: 'a well-encoded but foreign', token: Buffer.from('v2:10').toString('base64url') },
    ]) {
      it(`refuses ${what} page_token with INVALID_ARGUMENT naming page_token`, async () => {
        expectInvalidArgument(
          await callError(rewards, rewards.listRewards, { customerId: 'lr-bad-token', pageSize: 0, pageToken: token }),
          'page_token',
        );
      });
    }

    for (const { what, value } of BAD_CUSTOMER_IDS) {
      it(`refuses ${what} customer_id with INVALID_ARGUMENT naming customer_id`, async () => {
        expectInvalidArgument(
          await callError(rewards, rewards.listRewards, { customerId: value, pageSize: 0, pageToken: '' }),
          'customer_id',
        );
      });
    }
  });
});
