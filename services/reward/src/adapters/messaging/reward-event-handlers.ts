import { missionAchieved, rewardReturned, rewardSpent } from '#contracts/events';
import type { Transaction } from '#platform/db/database';
import { handleEvent, handleEvents } from '#platform/inbox/event-consumer';
import { requireEventFields } from '#platform/inbox/event-fields';
import type { IssueReward } from '../../application/issue-reward.js';
import type { RecordRewardExchange } from '../../application/record-reward-exchange.js';

/** Events the reward service consumes, each applied in the consumer's transaction. */
export function rewardEventHandlers(useCasesIn: (tx: Transaction) => { issueReward: IssueReward; recordExchange: RecordRewardExchange }) {
  return [
    handleEvents(missionAchieved, async (tx, events) => {
      const commands = events.map(({ message }) => {
        requireEventFields(missionAchieved, { mission_id: message.missionId, customer_id: message.customerId });
        return { missionId: message.missionId, customerId: message.customerId };
      });
      await useCasesIn(tx).issueReward.execute(commands);
    }),
    handleEvent(rewardSpent, async (tx, event) => {
      requireEventFields(rewardSpent, { reward_id: event.rewardId, order_id: event.orderId });
      await useCasesIn(tx).recordExchange.exchanged({ rewardId: event.rewardId, orderId: event.orderId });
    }),
    handleEvent(rewardReturned, async (tx, event) => {
      requireEventFields(rewardReturned, { reward_id: event.rewardId, order_id: event.orderId });
      await useCasesIn(tx).recordExchange.returned({ rewardId: event.rewardId, orderId: event.orderId });
    }),
  ];
}
