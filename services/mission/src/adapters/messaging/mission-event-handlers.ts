import { rewardIssued } from '#contracts/events';
import type { Transaction } from '#platform/db/database';
import { handleEvents } from '#platform/inbox/event-consumer';
import { requireEventFields } from '#platform/inbox/event-fields';
import { RecordMissionReward } from '../../application/record-mission-reward.js';
import type { MissionRepository } from '../../domain/mission-repository.js';

/** Events the mission service consumes, each applied in the consumer's transaction. */
export function missionEventHandlers(repositoryIn: (tx: Transaction) => MissionRepository) {
  return [
    handleEvents(rewardIssued, async (tx, events) => {
      const commands = events.map(({ message }) => {
        requireEventFields(rewardIssued, { mission_id: message.missionId, reward_id: message.rewardId });
        return { missionId: message.missionId, rewardId: message.rewardId, rewardedAt: message.issuedAt ?? new Date() };
      });
      await new RecordMissionReward({ missions: repositoryIn(tx) }).execute(commands);
    }),
  ];
}
