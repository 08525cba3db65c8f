import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  deliveryCancelled,
  deliveryCompleted,
  deliveryStarted,
  giftOrderCancelled,
  giftOrderDelivered,
  giftOrderPaid,
  missionAchieved,
  missionRewarded,
  rewardIssued,
  rewardReturned,
  rewardSpent,
  walletCredited,
} from '#contracts/events';
import type { MyPage, MyPageServiceClient } from '#contracts/generated/game/mypage/v1/mypage_service';
import { PUBLISHERS } from '#contracts/service-catalog';
import { type NewEvent, newEvent } from '#platform/events/event-type';
import { call } from '#testing/grpc-call';
import type { TestSystem } from '#testing/test-system';

export function myPageClient(system: TestSystem): MyPageServiceClient {
  return system.myPageClient();
}

export async function getMyPage(system: TestSystem, customerId: string, knownVersion = 0): Promise<MyPage> {
  const client = myPageClient(system);
  try {
    return await call(client, client.getMyPage, { customerId, knownVersion });
  } finally {
    client.close();
  }
}

/** The ids one customer's story is about. Pages are keyed by customer, so stories may share ids. */
export interface StoryIds {
  readonly missionId: string;
  readonly rewardId: string;
  readonly firstOrderId: string;
  readonly firstDeliveryId: string;
  readonly secondOrderId: string;
  readonly secondDeliveryId: string;
  readonly otherMissionId: string;
  readonly otherRewardId: string;
}

export function newStoryIds(): StoryIds {
  return {
    missionId: randomUUID(),
    rewardId: randomUUID(),
    firstOrderId: randomUUID(),
    firstDeliveryId: randomUUID(),
    secondOrderId: randomUUID(),
    secondDeliveryId: randomUUID(),
    otherMissionId: randomUUID(),
    otherRewardId: randomUUID(),
  };
}

/**
 * A whole customer story as the services publish it, in the order it happens: two missions
 * achieved and rewarded; the first reward exchanged for a plush dragon, cancelled and returned,
 * then exchanged again for a mug that is delivered. Each event gets a fresh id unless `ids`
 * for the events are given (to redeliver the same events).
 */
export function storyEvents(customerId: string, ids: StoryIds, start = new Date('2026-07-01T10:00:00Z')): NewEvent[] {
  const at = (minute: number) => new Date(start.getTime() + minute * 60_000);
  const { missionId, rewardId, firstOrderId, firstDeliveryId, secondOrderId, secondDeliveryId, otherMissionId, otherRewardId } = ids;
  const order1 = { orderId: firstOrderId, customerId, giftId: 'plush', rewardId };
  const order2 = { orderId: secondOrderId, customerId, giftId: 'mug', rewardId };
  return [
    newEvent(
      missionAchieved,
      { missionId, customerId, eventCode: 'summer-2026', missionCode: 'first-win', achievedAt: at(0) },
      missionId,
      at(0),
    ),
    newEvent(rewardIssued, { rewardId, missionId, customerId, issuedAt: at(1) }, rewardId, at(1)),
    newEvent(walletCredited, { customerId, rewardId, missionId, creditedAt: at(2) }, rewardId, at(2)),
    newEvent(missionRewarded, { missionId, customerId, rewardId, rewardedAt: at(3) }, missionId, at(3)),
    newEvent(
      missionAchieved,
      { missionId: otherMissionId, customerId, eventCode: 'summer-2026', missionCode: 'ten-wins', achievedAt: at(4) },
      otherMissionId,
      at(4),
    ),
    newEvent(rewardIssued, { rewardId: otherRewardId, missionId: otherMissionId, customerId, issuedAt: at(5) }, otherRewardId, at(5)),
    newEvent(walletCredited, { customerId, rewardId: otherRewardId, missionId: otherMissionId, creditedAt: at(6) }, otherRewardId, at(6)),
    newEvent(missionRewarded, { missionId: otherMissionId, customerId, rewardId: otherRewardId, rewardedAt: at(7) }, otherMissionId, at(7)),
    newEvent(rewardSpent, { customerId, rewardId, orderId: firstOrderId, giftId: 'plush', spentAt: at(10) }, rewardId, at(10)),
    newEvent(giftOrderPaid, { ...order1, giftName: 'Plush dragon', paidAt: at(11) }, firstOrderId, at(11)),
    newEvent(
      deliveryStarted,
      { deliveryId: firstDeliveryId, orderId: firstOrderId, customerId, giftId: 'plush', startedAt: at(12) },
      firstDeliveryId,
      at(12),
    ),
    newEvent(giftOrderCancelled, { ...order1, cancelledAt: at(13) }, firstOrderId, at(13)),
    newEvent(
      deliveryCancelled,
      { deliveryId: firstDeliveryId, orderId: firstOrderId, customerId, giftId: 'plush', cancelledAt: at(14) },
      firstDeliveryId,
      at(14),
    ),
    newEvent(
      rewardReturned,
      { customerId, rewardId, orderId: firstOrderId, reason: 'gift order cancelled', returnedAt: at(15) },
      rewardId,
      at(15),
    ),
    newEvent(rewardSpent, { customerId, rewardId, orderId: secondOrderId, giftId: 'mug', spentAt: at(20) }, rewardId, at(20)),
    newEvent(giftOrderPaid, { ...order2, giftName: 'Mug', paidAt: at(21) }, secondOrderId, at(21)),
    newEvent(
      deliveryStarted,
      { deliveryId: secondDeliveryId, orderId: secondOrderId, customerId, giftId: 'mug', startedAt: at(22) },
      secondDeliveryId,
      at(22),
    ),
    newEvent(
      deliveryCompleted,
      { deliveryId: secondDeliveryId, orderId: secondOrderId, customerId, giftId: 'mug', completedAt: at(23) },
      secondDeliveryId,
      at(23),
    ),
    newEvent(giftOrderDelivered, { orderId: secondOrderId, customerId, giftId: 'mug', deliveredAt: at(24) }, secondOrderId, at(24)),
  ];
}

/** A fixed permutation per seed (a small LCG), so a failing order can be reproduced. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let i = result.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

/** Runs scripts/rebuild-mypage.ts as an operator would, pointed at the system's services. */
export async function runRebuildScript(system: TestSystem, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  const script = fileURLToPath(new URL('../../scripts/rebuild-mypage.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  // Signs in as the platform-admin client of the system's own identity provider.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REBUILD_SETTLE_MS: '500',
    REBUILD_STALL_MS: '15000',
    AUTH_ISSUER: system.identity.auth.issuer,
    ...extraEnv,
  };
  for (const name of ['mypage', ...PUBLISHERS]) env[`${name.toUpperCase()}_ADDRESS`] = system.address(name);
  return promisify(execFile)(tsx, [script], { env, timeout: 120_000 });
}
