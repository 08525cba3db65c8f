import {
  type Reward as RewardMessage,
  type RewardServiceServer,
  RewardServiceService,
  RewardStatus,
} from '#contracts/generated/game/reward/v1/reward_service';
import { callerOf } from '#platform/auth/auth-interceptor';
import type { GrpcServiceBinding } from '#platform/grpc/grpc-server';
import { serviceNameOf } from '#platform/grpc/service-name';
import { unary } from '#platform/grpc/unary-handler';
import type { Logger } from '#platform/logging/logger';
import { encodePageToken } from '#platform/validation/request-fields';
import type { GetReward } from '../../application/get-reward.js';
import type { ListRewards } from '../../application/list-rewards.js';
import type { RewardState } from '../../domain/reward.js';

/** The gRPC inbound adapter of the reward service. */
export function rewardGrpcService(useCases: { getReward: GetReward; listRewards: ListRewards }, logger: Logger): GrpcServiceBinding {
  const implementation: RewardServiceServer = {
    getReward: unary(logger, async (request, call) => toMessage(await useCases.getReward.execute(request, callerOf(call)))),
    listRewards: unary(logger, async (request, call) => {
      const page = await useCases.listRewards.execute(request, callerOf(call));
      return { rewards: page.rewards.map(toMessage), nextPageToken: page.nextBefore === undefined ? '' : encodePageToken(page.nextBefore) };
    }),
  };
  return { name: serviceNameOf(RewardServiceService), definition: RewardServiceService, implementation };
}

const STATUS: Record<RewardState['status'], RewardStatus> = {
  issued: RewardStatus.REWARD_STATUS_ISSUED,
  exchanged: RewardStatus.REWARD_STATUS_EXCHANGED,
};

function toMessage(reward: RewardState): RewardMessage {
  return {
    rewardId: reward.id,
    missionId: reward.missionId,
    customerId: reward.customerId,
    status: STATUS[reward.status],
    issuedAt: reward.issuedAt,
    orderId: reward.orderId ?? '',
  };
}
