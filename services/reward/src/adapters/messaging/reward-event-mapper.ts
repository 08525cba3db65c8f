import { rewardIssued } from '#contracts/events';
import { type NewEvent, newEvent } from '#platform/events/event-type';
import type { RewardEvent } from '../../domain/reward.js';

/** Domain events to the protobuf messages of proto/game/reward/v1/reward_events.proto. */
export function toOutboxEvent(event: RewardEvent): NewEvent {
  const { reward } = event;
  return newEvent(
    rewardIssued,
    { rewardId: reward.id, missionId: reward.missionId, customerId: reward.customerId, issuedAt: reward.issuedAt },
    reward.id,
    reward.issuedAt,
  );
}
