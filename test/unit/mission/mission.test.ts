import { expect } from 'chai';
import { Mission } from '../../../services/mission/src/domain/mission.js';
import { MissionAlreadyRewardedError } from '../../../services/mission/src/domain/mission-errors.js';

const AT = new Date('2026-01-01T00:00:00Z');
const LATER = new Date('2026-01-01T00:01:00Z');

describe('mission rules (domain, no servers)', () => {
  const achieve = () => Mission.achieve({ id: 'm-1', customerId: 'c-1', eventCode: 'spring', missionCode: 'quest-1', at: AT });

  it('an achieved mission waits for its reward and announces the achievement', () => {
    const mission = achieve();
    expect(mission.state.status).to.equal('achieved');
    expect(mission.state.rewardId).to.equal(undefined);
    expect(mission.pullEvents().map((event) => event.type)).to.deep.equal(['mission-achieved']);
  });

  const cases: Array<{ name: string; rewards: string[]; rewardId?: string; events: string[]; error?: boolean }> = [
    { name: 'records the id of the reward it earned', rewards: ['r-1'], rewardId: 'r-1', events: ['mission-rewarded'] },
    { name: 'the same reward told twice is recorded once', rewards: ['r-1', 'r-1'], rewardId: 'r-1', events: ['mission-rewarded'] },
    {
      name: 'a second, different reward is refused: one reward per mission',
      rewards: ['r-1', 'r-2'],
      rewardId: 'r-1',
      events: ['mission-rewarded'],
      error: true,
    },
  ];
  for (const { name, rewards, rewardId, events, error } of cases) {
    it(name, () => {
      const mission = achieve();
      mission.pullEvents();
      const record = () => {
        for (const reward of rewards) mission.recordReward(reward, LATER);
      };
      if (error) expect(record).to.throw(MissionAlreadyRewardedError);
      else record();
      expect(mission.state).to.include({ status: 'rewarded', rewardId, rewardedAt: LATER });
      expect(mission.pullEvents().map((event) => event.type)).to.deep.equal(events);
    });
  }
});
