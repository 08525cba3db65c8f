import { missionAchieved, rewardReturned, rewardSpent } from '../../../../contracts/events.js';
import type { Transaction } from '../../../../platform/src/db/database.js';
import { handleEvent, handleEvents, PoisonEventError } from '../../../../platform/src/inbox/event-consumer.js';
import type { IssueReward } from '../../application/issue-reward.js';
import type { RecordRewardExchange } from '../../application/record-reward-exchange.js';

/** Events the reward service consumes, each applied in the consumer's transaction. */
export function rewardEventHandlers(useCasesIn: (tx: Transaction) => { issueReward: IssueReward; recordExchange: RecordRewardExchange }) {
  return [
    handleEvents(missionAchieved, async (tx, events) => {
      const commands = events.map(({ message }) => {
        if (!message.missionId || !message.customerId) throw new PoisonEventError('MissionAchieved without mission_id or customer_id');
        return { missionId: message.missionId, customerId: message.customerId };
      });
      await useCasesIn(tx).issueReward.execute(commands);
    }),
    handleEvent(rewardSpent, async (tx, event) => {
      if (!event.rewardId || !event.orderId) throw new PoisonEventError('RewardSpent without reward_id or order_id');
      await useCasesIn(tx).recordExchange.exchanged({ rewardId: event.rewardId, orderId: event.orderId });
    }),
    handleEvent(rewardReturned, async (tx, event) => {
      if (!event.rewardId || !event.orderId) throw new PoisonEventError('RewardReturned without reward_id or order_id');
      await useCasesIn(tx).recordExchange.returned({ rewardId: event.rewardId, orderId: event.orderId });
    }),
  ];
}
