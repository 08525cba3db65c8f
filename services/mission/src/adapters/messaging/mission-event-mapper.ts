import { missionAchieved, missionRewarded } from '#contracts/events';
import { type NewEvent, newEvent } from '#platform/events/event-type';
import type { MissionEvent } from '../../domain/mission.js';

/** Domain events to the protobuf messages of proto/game/mission/v1/mission_events.proto. */
export function toOutboxEvent(event: MissionEvent): NewEvent {
  const { mission } = event;
  switch (event.type) {
    case 'mission-achieved':
      return newEvent(
        missionAchieved,
        {
          missionId: mission.id,
          customerId: mission.customerId,
          eventCode: mission.eventCode,
          missionCode: mission.missionCode,
          achievedAt: mission.achievedAt,
        },
        mission.id,
        mission.achievedAt,
      );
    case 'mission-rewarded':
      return newEvent(
        missionRewarded,
        { missionId: mission.id, customerId: mission.customerId, rewardId: mission.rewardId ?? '', rewardedAt: mission.rewardedAt },
        mission.id,
        mission.rewardedAt,
      );
  }
}
