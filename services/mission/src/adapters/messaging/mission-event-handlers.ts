import { rewardIssued } from '../../../../contracts/events.js';
import type { Transaction } from '../../../../platform/src/db/database.js';
import { handleEvent, PoisonEventError } from '../../../../platform/src/inbox/event-consumer.js';
import { RecordMissionReward } from '../../application/record-mission-reward.js';
import type { MissionRepository } from '../../domain/mission-repository.js';

/** Events the mission service consumes, each applied in the consumer's transaction. */
export function missionEventHandlers(repositoryIn: (tx: Transaction) => MissionRepository) {
  return [
    handleEvent(rewardIssued, async (tx, event) => {
      if (!event.missionId || !event.rewardId) throw new PoisonEventError('RewardIssued without mission_id or reward_id');
      await new RecordMissionReward({ missions: repositoryIn(tx) }).execute({
        missionId: event.missionId,
        rewardId: event.rewardId,
        rewardedAt: event.issuedAt ?? new Date(),
      });
    }),
  ];
}
