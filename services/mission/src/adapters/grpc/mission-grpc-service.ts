import {
  type Mission as MissionMessage,
  type MissionServiceServer,
  MissionServiceService,
  MissionStatus,
} from '#contracts/generated/game/mission/v1/mission_service';
import { callerOf } from '#platform/auth/auth-interceptor';
import type { GrpcServiceBinding } from '#platform/grpc/grpc-server';
import { serviceNameOf } from '#platform/grpc/service-name';
import { unary } from '#platform/grpc/unary-handler';
import type { Logger } from '#platform/logging/logger';
import { encodePageToken } from '#platform/validation/request-fields';
import type { AchieveMission } from '../../application/achieve-mission.js';
import type { GetMission } from '../../application/get-mission.js';
import type { ListMissions } from '../../application/list-missions.js';
import type { MissionState } from '../../domain/mission.js';

/** The gRPC inbound adapter: maps proto messages to use-case calls and back, nothing more. */
export function missionGrpcService(
  useCases: { achieveMission: AchieveMission; getMission: GetMission; listMissions: ListMissions },
  logger: Logger,
): GrpcServiceBinding {
  const implementation: MissionServiceServer = {
    achieveMission: unary(logger, async (request) => toMessage(await useCases.achieveMission.execute(request))),
    getMission: unary(logger, async (request, call) => toMessage(await useCases.getMission.execute(request, callerOf(call)))),
    listMissions: unary(logger, async (request, call) => {
      const page = await useCases.listMissions.execute(request, callerOf(call));
      return {
        missions: page.missions.map(toMessage),
        nextPageToken: page.nextBefore === undefined ? '' : encodePageToken(page.nextBefore),
      };
    }),
  };
  return { name: serviceNameOf(MissionServiceService), definition: MissionServiceService, implementation };
}

const STATUS: Record<MissionState['status'], MissionStatus> = {
  achieved: MissionStatus.MISSION_STATUS_ACHIEVED,
  rewarded: MissionStatus.MISSION_STATUS_REWARDED,
};

function toMessage(mission: MissionState): MissionMessage {
  return {
    missionId: mission.id,
    customerId: mission.customerId,
    eventCode: mission.eventCode,
    missionCode: mission.missionCode,
    status: STATUS[mission.status],
    rewardId: mission.rewardId ?? '',
    achievedAt: mission.achievedAt,
    rewardedAt: mission.rewardedAt,
  };
}
