import { type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import type { MissionServiceClient } from '#contracts/generated/game/mission/v1/mission_service';
import { eventually, sleep } from './eventually.js';
import { call } from './grpc-call.js';
import type { TestSystem } from './test-system.js';

/** What a steady AchieveMission load saw: every failed call's status code, by code. */
export interface MissionLoadResult {
  /** Missions sent (distinct customer, event and mission code). */
  readonly missions: number;
  /** Status codes of the calls that failed, each retried until it stuck. */
  readonly failures: Map<number, number>;
  /** Retries answered ALREADY_EXISTS: the first call had committed although its answer was lost. */
  readonly committedBeforeCut: number;
}

/**
 * A steady AchieveMission load, one mission every `intervalMs`, as a client that retries what
 * failed on infrastructure would: UNAVAILABLE (and DEADLINE_EXCEEDED) are retried with the same
 * mission, which is idempotent on (customer, event, mission code); any other failure is kept and
 * the mission given up. Sends at least `count` missions, and goes on until `until` (the fault
 * scenario) has settled, then waits until each was answered.
 */
export async function steadyMissionLoad(
  client: MissionServiceClient,
  options: { customerPrefix: string; count: number; intervalMs: number; until?: Promise<unknown> },
): Promise<MissionLoadResult> {
  const failures = new Map<number, number>();
  let committedBeforeCut = 0;
  const achieve = async (i: number): Promise<void> => {
    const request = { customerId: `${options.customerPrefix}-${i % 50}`, eventCode: 'load', missionCode: `m-${i}` };
    for (let attempt = 0; ; attempt += 1) {
      try {
        await call(client, client.achieveMission, request);
        return;
      } catch (error) {
        const code = (error as ServiceError).code;
        if (attempt > 0 && code === status.ALREADY_EXISTS) {
          committedBeforeCut += 1;
          return;
        }
        failures.set(code, (failures.get(code) ?? 0) + 1);
        if (code !== status.UNAVAILABLE && code !== status.DEADLINE_EXCEEDED) return;
        if (attempt >= 100) throw error;
        await sleep(100);
      }
    }
  };
  let scenarioOver = options.until === undefined;
  options.until?.then(
    () => (scenarioOver = true),
    () => (scenarioOver = true),
  );
  const inFlight: Promise<void>[] = [];
  while (inFlight.length < options.count || !scenarioOver) {
    inFlight.push(achieve(inFlight.length));
    await sleep(options.intervalMs);
  }
  await Promise.all(inFlight);
  return { missions: inFlight.length, failures, committedBeforeCut };
}

/**
 * Every mission of the load is credited exactly once: one mission row, one reward, one wallet
 * entry each, each mission recording its reward, one RewardIssued and one WalletCredited each.
 */
export async function expectEachMissionCreditedOnce(system: TestSystem, customerPrefix: string, missions: number): Promise<void> {
  const like = `customer_id like '${customerPrefix}-%'`;
  await eventually(
    async () => {
      expect(await system.count('wallet.wallet_rewards', like), 'wallet entries').to.equal(missions);
      expect(await system.count('mission.missions', `${like} and reward_id is not null`), 'missions rewarded').to.equal(missions);
    },
    { timeoutMs: 90_000 },
  );
  expect(await system.count('mission.missions', like), 'missions').to.equal(missions);
  expect(await system.count('reward.rewards', like), 'rewards').to.equal(missions);
  const [events] = await system.query<{ issued: string; credited: string }>(
    `select (select count(*) from reward.outbox_events where routing_key = 'reward.issued') as issued,
            (select count(*) from wallet.outbox_events where routing_key = 'wallet.credited') as credited`,
  );
  expect(events, 'events published once per mission').to.deep.equal({ issued: String(missions), credited: String(missions) });
}
