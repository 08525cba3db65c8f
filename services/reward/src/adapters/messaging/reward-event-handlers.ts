import { missionAchieved } from '../../../../contracts/events.js';
import type { Transaction } from '../../../../platform/src/db/database.js';
import { handleEvent, PoisonEventError } from '../../../../platform/src/inbox/event-consumer.js';
import type { IssueReward } from '../../application/issue-reward.js';

/** Events the reward service consumes, each applied in the consumer's transaction. */
export function rewardEventHandlers(issueRewardIn: (tx: Transaction) => IssueReward) {
  return [
    handleEvent(missionAchieved, async (tx, event) => {
      if (!event.missionId || !event.customerId) throw new PoisonEventError('MissionAchieved without mission_id or customer_id');
      await issueRewardIn(tx).execute({ missionId: event.missionId, customerId: event.customerId });
    }),
  ];
}
