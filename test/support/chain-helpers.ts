import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { missionAchieved } from '#contracts/events';
import { type NewEvent, newEvent } from '#platform/events/event-type';
import { eventually } from './eventually.js';
import { call } from './grpc-call.js';
import type { TestSystem } from './test-system.js';

/** Achieves `count` distinct missions for one customer over gRPC; returns their ids. */
export async function achieveMissions(system: TestSystem, customerId: string, count: number, prefix = 'm'): Promise<string[]> {
  const missions = system.missionClient();
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const mission = await call(missions, missions.achieveMission, { customerId, eventCode: 'test-event', missionCode: `${prefix}-${i}` });
    ids.push(mission.missionId);
  }
  return ids;
}

/** Waits until the customer's wallet holds exactly `count` rewards, and checks nothing is doubled. */
export async function expectWalletToHold(system: TestSystem, customerId: string, count: number, timeoutMs = 20_000): Promise<void> {
  await eventually(
    async () => {
      expect(await system.count('wallet.wallet_rewards', `customer_id = '${customerId}'`)).to.equal(count);
      expect(await system.count('mission.missions', `customer_id = '${customerId}' and reward_id is not null`)).to.equal(count);
    },
    { timeoutMs },
  );
  expect(await system.count('reward.rewards', `customer_id = '${customerId}'`)).to.equal(count);
}

/**
 * A positive signal that the reward chain processed past this point (instead of sleeping to see
 * that nothing happened): a marker mission sent after everything the test sent before reaches a
 * wallet only once the consumers got past those messages on their queues. `mission` starts it at
 * the mission service (its outbox relay included), `broker` publishes its MissionAchieved.
 */
export async function chainProcessedPast(system: TestSystem, via: 'mission' | 'broker'): Promise<void> {
  const marker = `marker-${randomUUID().slice(0, 8)}`;
  if (via === 'mission') {
    await achieveMissions(system, marker, 1);
    // The chain's last step: the mission records its reward.
    await eventually(
      async () => expect(await system.count('mission.missions', `customer_id = '${marker}' and reward_id is not null`)).to.equal(1),
      { timeoutMs: 20_000 },
    );
  } else {
    await system.publish([missionAchievedEvent(randomUUID(), marker)]);
  }
  await eventually(async () => expect(await system.count('wallet.wallet_rewards', `customer_id = '${marker}'`)).to.equal(1), {
    timeoutMs: 20_000,
  });
}

/** A MissionAchieved event as the mission service would publish it (for direct publishing). */
export function missionAchievedEvent(missionId: string, customerId: string, missionCode = 'direct'): NewEvent {
  return newEvent(missionAchieved, { missionId, customerId, eventCode: 'test-event', missionCode, achievedAt: new Date() }, missionId);
}

/** Achieves one mission and waits until its reward is in the customer's wallet; returns the reward id. */
export async function rewardInWallet(system: TestSystem, customerId: string, missionCode = 'exchange-me'): Promise<string> {
  const missions = system.missionClient();
  const mission = await call(missions, missions.achieveMission, { customerId, eventCode: 'test-event', missionCode });
  return eventually(async () => {
    const current = await call(missions, missions.getMission, { missionId: mission.missionId });
    expect(current.rewardId, 'reward issued').to.not.equal('');
    expect(await system.count('wallet.wallet_rewards', `reward_id = '${current.rewardId}'`), 'reward in wallet').to.equal(1);
    return current.rewardId;
  });
}
