import { type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { missionAchieved } from '#contracts/events';
import { type Mission, type MissionServiceClient, MissionStatus } from '#contracts/generated/game/mission/v1/mission_service';
import { chainProcessedPast } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { expectInvalidArgument } from '#testing/grpc-assertions';
import { call, callError } from '#testing/grpc-call';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';

/**
 * The MissionService contract (proto/game/mission/v1/mission_service.proto) over real gRPC on
 * Postgres and RabbitMQ: every RPC's answer, each error status with its `error-code` (and for
 * bad input `error-field`) trailer, paging, and that a refused AchieveMission changes nothing.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_MISSION_ID = '3f6c1a52-9d7e-4b8a-a1c2-5e4f3d2b1a09';

/** Malformed values for a code field (customer_id, event_code, mission_code), by what is wrong. */
const BAD_CODES: { what: string; value: string }[] = [
  { what: 'an empty', value: '' },
  { what: 'a 65-character', value: 'a'.repeat(65) },
  { what: 'a space-containing', value: 'has space' },
  { what: 'a dotted', value: 'a.b' },
  { what: 'a slash-containing', value: '../etc' },
  { what: 'a non-ASCII', value: 'gewinn-über' },
  { what: 'a newline-terminated', value: 'abc\n' },
];

function expectError(error: ServiceError, code: status, errorCode: string): void {
  expect(error.code, error.message).to.equal(code);
  expect(error.metadata.get('error-code')).to.deep.equal([errorCode]);
  expect(error.metadata.get('error-field')).to.deep.equal([]);
}

describe('MissionService contract over gRPC', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let missions: MissionServiceClient;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(rewardModule);
    await system.start(walletModule);
    await system.start(missionModule);
    missions = system.missionClient();
  });

  after(async () => {
    missions?.close();
    await system?.close();
  });

  const achieve = (customerId: string, missionCode = 'first-win', eventCode = 'summer-2026') =>
    call(missions, missions.achieveMission, { customerId, eventCode, missionCode });

  /** Waits until every achieved mission has its reward and wallet entry, so nothing is in flight. */
  async function settled(): Promise<{ missions: number; outbox: number; rewards: number; wallet: number }> {
    return eventually(
      async () => {
        // First: recording a reward writes the mission's last outbox row, so count after it.
        expect(await system.count('mission.missions', `reward_id is null`)).to.equal(0);
        const snapshot = {
          missions: await system.count('mission.missions'),
          outbox: await system.count('mission.outbox_events'),
          rewards: await system.count('reward.rewards'),
          wallet: await system.count('wallet.wallet_rewards'),
        };
        expect(snapshot.rewards).to.equal(snapshot.missions);
        expect(snapshot.wallet).to.equal(snapshot.rewards);
        return snapshot;
      },
      { timeoutMs: 20_000 },
    );
  }

  /** Runs a call that must fail, then checks no mission, outbox event, reward or wallet entry appeared. */
  async function expectFailureChangesNothing(failing: () => Promise<ServiceError>): Promise<ServiceError> {
    const before = await settled();
    const error = await failing();
    const countsNow = async () => ({
      missions: await system.count('mission.missions'),
      outbox: await system.count('mission.outbox_events'),
      rewards: await system.count('reward.rewards'),
      wallet: await system.count('wallet.wallet_rewards'),
    });
    expect(await countsNow()).to.deep.equal(before);
    // Past a marker mission (one more of each), the chain has had its chance to act on the call.
    await chainProcessedPast(system, 'mission');
    const marked = await countsNow();
    expect({ missions: marked.missions - 1, rewards: marked.rewards - 1, wallet: marked.wallet - 1 }).to.deep.equal({
      missions: before.missions,
      rewards: before.rewards,
      wallet: before.wallet,
    });
    return error;
  }

  describe('AchieveMission', () => {
    it('records the mission and returns it ACHIEVED, with a new UUID, the request fields, an achievement time and no reward yet', async () => {
      const startedAt = Date.now();
      const mission = await achieve('am-ok', 'first-win', 'summer-2026');
      expect(mission.missionId).to.match(UUID);
      expect(mission).to.include({ customerId: 'am-ok', eventCode: 'summer-2026', missionCode: 'first-win', rewardId: '' });
      expect(mission.status).to.equal(MissionStatus.MISSION_STATUS_ACHIEVED);
      expect(mission.achievedAt).to.be.instanceOf(Date);
      expect(mission.achievedAt!.getTime()).to.be.within(startedAt - 5_000, Date.now() + 5_000);
      expect(mission.rewardedAt).to.equal(undefined);
      expect(await system.count('mission.missions', `id = '${mission.missionId}' and customer_id = 'am-ok'`)).to.equal(1);
    });

    it('announces the achievement: the mission gets exactly one MissionAchieved outbox event', async () => {
      const mission = await achieve('am-announce');
      expect(
        await system.count('mission.outbox_events', `aggregate_id = '${mission.missionId}' and event_type = '${missionAchieved.name}'`),
      ).to.equal(1);
    });

    it('gives each achievement its own mission id', async () => {
      const first = await achieve('am-ids', 'a');
      const second = await achieve('am-ids', 'b');
      expect(first.missionId).to.not.equal(second.missionId);
    });

    it('accepts codes of exactly 64 letters, digits, "-" and "_"', async () => {
      const code = `Ab9-_${'x'.repeat(59)}`;
      expect(code).to.have.length(64);
      const mission = await call(missions, missions.achieveMission, { customerId: code, eventCode: code, missionCode: code });
      expect(mission).to.include({ customerId: code, eventCode: code, missionCode: code });
    });

    it('lets another customer achieve the same mission, and the same customer achieve the same mission code in another event', async () => {
      await achieve('am-share-1', 'boss-raid', 'summer-2026');
      const otherCustomer = await achieve('am-share-2', 'boss-raid', 'summer-2026');
      const otherEvent = await achieve('am-share-1', 'boss-raid', 'winter-2026');
      expect(otherCustomer.status).to.equal(MissionStatus.MISSION_STATUS_ACHIEVED);
      expect(otherEvent.status).to.equal(MissionStatus.MISSION_STATUS_ACHIEVED);
      expect(await system.count('mission.missions', `customer_id in ('am-share-1', 'am-share-2')`)).to.equal(3);
    });

    for (const field of ['customer_id', 'event_code', 'mission_code'] as const) {
      for (const { what, value } of BAD_CODES) {
        it(`refuses ${what} ${field} with INVALID_ARGUMENT naming ${field}, and stores, announces and rewards nothing`, async () => {
          const request = { customerId: 'am-invalid', eventCode: 'summer-2026', missionCode: `bad-${field}`, [camel(field)]: value };
          const error = await expectFailureChangesNothing(() => callError(missions, missions.achieveMission, request));
          expectInvalidArgument(error, field);
          if (value === '') expect(error.details).to.equal(`${field}: is required`);
        });
      }
    }

    it('reports the first malformed field when several are malformed (customer_id before event_code before mission_code)', async () => {
      const all = await callError(missions, missions.achieveMission, { customerId: '', eventCode: '', missionCode: '' });
      expectInvalidArgument(all, 'customer_id');
      const lastTwo = await callError(missions, missions.achieveMission, { customerId: 'am-order', eventCode: 'x y', missionCode: '' });
      expectInvalidArgument(lastTwo, 'event_code');
    });

    it('refuses to achieve the same mission twice with ALREADY_EXISTS and MISSION_ALREADY_ACHIEVED', async () => {
      await achieve('am-twice', 'daily-login');
      const error = await callError(missions, missions.achieveMission, {
        customerId: 'am-twice',
        eventCode: 'summer-2026',
        missionCode: 'daily-login',
      });
      expectError(error, status.ALREADY_EXISTS, 'MISSION_ALREADY_ACHIEVED');
      expect(error.details).to.include('am-twice').and.to.include('daily-login');
    });

    it('a refused second achievement changes nothing: no mission, outbox event, reward or wallet entry is added and the first mission keeps its reward', async () => {
      const first = await achieve('am-twice-nothing', 'daily-login');
      const rewarded = await eventually(async () => {
        const current = await call(missions, missions.getMission, { missionId: first.missionId });
        expect(current.status).to.equal(MissionStatus.MISSION_STATUS_REWARDED);
        return current;
      });
      const error = await expectFailureChangesNothing(() =>
        callError(missions, missions.achieveMission, {
          customerId: 'am-twice-nothing',
          eventCode: 'summer-2026',
          missionCode: 'daily-login',
        }),
      );
      expectError(error, status.ALREADY_EXISTS, 'MISSION_ALREADY_ACHIEVED');
      expect(await system.count('mission.missions', `customer_id = 'am-twice-nothing'`)).to.equal(1);
      expect(await system.count('reward.rewards', `customer_id = 'am-twice-nothing'`)).to.equal(1);
      expect(await call(missions, missions.getMission, { missionId: first.missionId })).to.deep.equal(rewarded);
    });

    it('when the same mission is achieved by concurrent calls, exactly one succeeds and the others get ALREADY_EXISTS', async () => {
      const request = { customerId: 'am-race', eventCode: 'summer-2026', missionCode: 'first-win' };
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => call(missions, missions.achieveMission, request)));
      const succeeded = results.filter((result) => result.status === 'fulfilled');
      const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as ServiceError] : []));
      expect(succeeded).to.have.length(1);
      expect(refused).to.have.length(4);
      for (const error of refused) expectError(error, status.ALREADY_EXISTS, 'MISSION_ALREADY_ACHIEVED');
      expect(await system.count('mission.missions', `customer_id = 'am-race'`)).to.equal(1);
      const winner = (succeeded[0] as PromiseFulfilledResult<Mission>).value;
      expect(
        await system.count('mission.outbox_events', `aggregate_id = '${winner.missionId}' and event_type = '${missionAchieved.name}'`),
      ).to.equal(1);
      await eventually(async () => expect(await system.count('reward.rewards', `customer_id = 'am-race'`)).to.equal(1));
      await chainProcessedPast(system, 'mission');
      expect(await system.count('reward.rewards', `customer_id = 'am-race'`)).to.equal(1);
    });
  });

  describe('GetMission', () => {
    it('returns the mission exactly as AchieveMission returned it', async () => {
      const achieved = await achieve('gm-ok', 'collect-10');
      const fetched = await call(missions, missions.getMission, { missionId: achieved.missionId });
      expect(fetched.missionId).to.equal(achieved.missionId);
      expect(fetched).to.include({ customerId: 'gm-ok', eventCode: 'summer-2026', missionCode: 'collect-10' });
      expect(fetched.achievedAt?.getTime()).to.equal(achieved.achievedAt?.getTime());
    });

    it('shows REWARDED with the reward id and reward time once the reward is issued', async () => {
      const achieved = await achieve('gm-rewarded');
      const mission = await eventually(async () => {
        const current = await call(missions, missions.getMission, { missionId: achieved.missionId });
        expect(current.status).to.equal(MissionStatus.MISSION_STATUS_REWARDED);
        return current;
      });
      expect(mission.rewardId).to.match(UUID);
      expect(mission.rewardedAt).to.be.instanceOf(Date);
      expect(mission.rewardedAt!.getTime()).to.be.at.least(mission.achievedAt!.getTime());
      expect(await system.count('reward.rewards', `id = '${mission.rewardId}' and mission_id = '${achieved.missionId}'`)).to.equal(1);
    });

    it('accepts the mission id in upper case', async () => {
      const achieved = await achieve('gm-upper');
      const fetched = await call(missions, missions.getMission, { missionId: achieved.missionId.toUpperCase() });
      expect(fetched.missionId).to.equal(achieved.missionId);
    });

    for (const { what, value } of [
      { what: 'an empty', value: '' },
      { what: 'a non-UUID', value: 'not-a-uuid' },
      { what: 'an undashed UUID', value: UNKNOWN_MISSION_ID.replaceAll('-', '') },
      { what: 'a too-long UUID', value: `${UNKNOWN_MISSION_ID}0` },
      { what: 'a UUID with non-hex digits', value: 'zf6c1a52-9d7e-4b8a-a1c2-5e4f3d2b1a09' },
    ]) {
      it(`refuses ${what} mission_id with INVALID_ARGUMENT naming mission_id`, async () => {
        expectInvalidArgument(await callError(missions, missions.getMission, { missionId: value }), 'mission_id');
      });
    }

    it('answers NOT_FOUND with MISSION_NOT_FOUND for a well-formed mission id that does not exist', async () => {
      const error = await callError(missions, missions.getMission, { missionId: UNKNOWN_MISSION_ID });
      expectError(error, status.NOT_FOUND, 'MISSION_NOT_FOUND');
      expect(error.details).to.include(UNKNOWN_MISSION_ID);
    });

    it('a reward id is not a mission id: GetMission with a reward id is NOT_FOUND', async () => {
      const achieved = await achieve('gm-reward-id');
      const rewarded = await eventually(async () => {
        const current = await call(missions, missions.getMission, { missionId: achieved.missionId });
        expect(current.rewardId).to.not.equal('');
        return current;
      });
      expectError(await callError(missions, missions.getMission, { missionId: rewarded.rewardId }), status.NOT_FOUND, 'MISSION_NOT_FOUND');
    });
  });

  describe('ListMissions', () => {
    const list = (customerId: string, pageSize = 0, pageToken = '') =>
      call(missions, missions.listMissions, { customerId, pageSize, pageToken });

    /** Achieves `count` missions in order and returns their ids, oldest first. */
    async function achieveMany(customerId: string, count: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) ids.push((await achieve(customerId, `m-${String(i).padStart(2, '0')}`)).missionId);
      return ids;
    }

    it('lists an unknown customer as empty with no next page token (not an error)', async () => {
      const page = await list('lm-nobody');
      expect(page.missions).to.deep.equal([]);
      expect(page.nextPageToken).to.equal('');
    });

    it("lists only the asked customer's missions", async () => {
      await achieveMany('lm-mine', 2);
      await achieveMany('lm-theirs', 3);
      const page = await list('lm-mine');
      expect(page.missions).to.have.length(2);
      expect(page.missions.every((mission) => mission.customerId === 'lm-mine')).to.equal(true);
    });

    it('returns at most page_size missions, newest first, and a next_page_token when more remain', async () => {
      const ids = await achieveMany('lm-size', 5);
      const page = await list('lm-size', 2);
      expect(page.missions.map((mission) => mission.missionId)).to.deep.equal([ids[4], ids[3]]);
      expect(page.nextPageToken).to.not.equal('');
    });

    it('walks every page with next_page_token: newest first, no duplicates, nothing missed, empty token on the last page', async () => {
      const ids = await achieveMany('lm-walk', 7);
      const seen: Mission[] = [];
      const pageLengths: number[] = [];
      let token = '';
      for (let pages = 0; pages < 10; pages += 1) {
        const page = await list('lm-walk', 3, token);
        pageLengths.push(page.missions.length);
        seen.push(...page.missions);
        token = page.nextPageToken;
        if (token === '') break;
      }
      expect(token).to.equal('');
      expect(pageLengths).to.deep.equal([3, 3, 1]);
      expect(seen.map((mission) => mission.missionId)).to.deep.equal([...ids].reverse());
      expect(new Set(seen.map((mission) => mission.missionId)).size).to.equal(seen.length);
      const times = seen.map((mission) => mission.achievedAt!.getTime());
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    });

    it('gives no next_page_token when the last page is exactly full', async () => {
      await achieveMany('lm-exact', 4);
      const first = await list('lm-exact', 2);
      const second = await list('lm-exact', 2, first.nextPageToken);
      expect(second.missions).to.have.length(2);
      expect(second.nextPageToken).to.equal('');
    });

    it('a page token keeps its place when newer missions are achieved between pages', async () => {
      const ids = await achieveMany('lm-stable', 4);
      const first = await list('lm-stable', 2);
      await achieve('lm-stable', 'newer');
      const second = await list('lm-stable', 2, first.nextPageToken);
      expect(second.missions.map((mission) => mission.missionId)).to.deep.equal([ids[1], ids[0]]);
    });

    it('uses a page size of 20 when page_size is 0, and allows page_size 100', async () => {
      const ids = await achieveMany('lm-default', 21);
      const defaultPage = await list('lm-default', 0);
      expect(defaultPage.missions).to.have.length(20);
      expect(defaultPage.nextPageToken).to.not.equal('');
      const rest = await list('lm-default', 0, defaultPage.nextPageToken);
      expect(rest.missions.map((mission) => mission.missionId)).to.deep.equal([ids[0]]);
      const maxPage = await list('lm-default', 100);
      expect(maxPage.missions).to.have.length(21);
      expect(maxPage.nextPageToken).to.equal('');
    });

    for (const pageSize of [101, -1, 2_147_483_647, -2_147_483_648]) {
      it(`refuses page_size ${pageSize} with INVALID_ARGUMENT naming page_size`, async () => {
        expectInvalidArgument(
          await callError(missions, missions.listMissions, { customerId: 'lm-bad-size', pageSize, pageToken: '' }),
          'page_size',
        );
      });
    }

    for (const { what, token } of [
      { what: 'a garbage', token: 'garbage!!' },
      { what: 'a well-encoded but foreign', token: Buffer.from('v2:10').toString('base64url') },
      { what: 'a non-numeric', token: Buffer.from('v1:abc').toString('base64url') },
    ]) {
      it(`refuses ${what} page_token with INVALID_ARGUMENT naming page_token`, async () => {
        expectInvalidArgument(
          await callError(missions, missions.listMissions, { customerId: 'lm-bad-token', pageSize: 0, pageToken: token }),
          'page_token',
        );
      });
    }

    for (const { what, value } of BAD_CODES) {
      it(`refuses ${what} customer_id with INVALID_ARGUMENT naming customer_id`, async () => {
        expectInvalidArgument(
          await callError(missions, missions.listMissions, { customerId: value, pageSize: 0, pageToken: '' }),
          'customer_id',
        );
      });
    }
  });
});

function camel(field: 'customer_id' | 'event_code' | 'mission_code'): 'customerId' | 'eventCode' | 'missionCode' {
  return ({ customer_id: 'customerId', event_code: 'eventCode', mission_code: 'missionCode' } as const)[field];
}
