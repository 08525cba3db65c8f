import { expect } from 'chai';
import { fillBlanks } from '../../../services/mypage/src/domain/fill-blanks.js';
import type { PageChange, PageRecord } from '../../../services/mypage/src/domain/page-facts.js';

const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const MISSION = '00000000-0000-4000-8000-000000000001';
const REWARD = '00000000-0000-4000-8000-000000000002';

const empty = (at: Date): PageRecord => ({ customerId: 'c-1', version: 0, updatedAt: at, missions: [], rewards: [], orders: [] });

describe("My Page's facts filled from a run of events (domain, no servers)", () => {
  const achieved: PageChange = {
    customerId: 'c-1',
    at: t(1),
    missions: [{ missionId: MISSION, missionCode: 'first-win', achievedAt: t(1) }],
  };
  const issued: PageChange = {
    customerId: 'c-1',
    at: t(2),
    rewards: [{ rewardId: REWARD, missionId: MISSION, issuedAt: t(2) }],
    missions: [{ missionId: MISSION, rewardId: REWARD }],
  };

  it('counts each change that created a row or filled a blank: version +1 each, updated_at the latest of them', () => {
    const filled = fillBlanks(empty(t(1)), [achieved, issued]);
    expect(filled?.record).to.include({ version: 2 });
    expect(filled?.record.updatedAt).to.deep.equal(t(2));
    expect(filled?.record.missions).to.deep.equal([{ missionId: MISSION, missionCode: 'first-win', achievedAt: t(1), rewardId: REWARD }]);
    expect(filled?.filled.rewards).to.deep.equal([{ rewardId: REWARD, missionId: MISSION, issuedAt: t(2) }]);
  });

  it('a fact told again, in the same run or after, changes nothing: not counted, not overwritten', () => {
    const page = fillBlanks(empty(t(1)), [achieved])?.record as PageRecord;
    const retold: PageChange = { ...achieved, at: t(9), missions: [{ missionId: MISSION, missionCode: 'other', achievedAt: t(9) }] };
    expect(fillBlanks(page, [retold])).to.equal(undefined);
    const twice = fillBlanks(empty(t(1)), [achieved, achieved, issued, issued]);
    expect(twice?.record.version).to.equal(2);
  });

  it('a change that fills one blank among known facts counts, and only that row is written', () => {
    const page = fillBlanks(empty(t(1)), [achieved, issued])?.record as PageRecord;
    const credited: PageChange = {
      customerId: 'c-1',
      at: t(3),
      rewards: [{ rewardId: REWARD, creditedAt: t(3) }],
      missions: [{ missionId: MISSION, rewardId: REWARD }],
    };
    const filled = fillBlanks(page, [credited]);
    expect(filled?.record.version).to.equal(3);
    expect(filled?.filled.missions).to.deep.equal([]);
    expect(filled?.filled.rewards).to.deep.equal([{ rewardId: REWARD, missionId: MISSION, issuedAt: t(2), creditedAt: t(3) }]);
  });

  it('an event older than the page moves its version but not its time', () => {
    const page = fillBlanks(empty(t(5)), [{ ...issued, at: t(5) }])?.record as PageRecord;
    const filled = fillBlanks(page, [achieved]);
    expect(filled?.record.version).to.equal(2);
    expect(filled?.record.updatedAt).to.deep.equal(t(5));
  });
});
