import { giftOrderCancelled, giftOrderRejected, rewardIssued } from '#contracts/events';
import type { Transaction } from '#platform/db/database';
import { handleEvent, handleEvents } from '#platform/inbox/event-consumer';
import { requireEventFields } from '#platform/inbox/event-fields';
import type { CreditReward } from '../../application/credit-reward.js';
import type { ReturnReward } from '../../application/return-reward.js';

/** Events the wallet consumes, each applied in the consumer's transaction. */
export function walletEventHandlers(useCasesIn: (tx: Transaction) => { creditReward: CreditReward; returnReward: ReturnReward }) {
  return [
    handleEvents(rewardIssued, async (tx, events) => {
      const commands = events.map(({ message }) => {
        requireEventFields(rewardIssued, { reward_id: message.rewardId, customer_id: message.customerId, mission_id: message.missionId });
        return {
          rewardId: message.rewardId,
          customerId: message.customerId,
          missionId: message.missionId,
          issuedAt: message.issuedAt ?? new Date(),
        };
      });
      await useCasesIn(tx).creditReward.execute(commands);
    }),
    handleEvent(giftOrderCancelled, async (tx, event) => {
      requireEventFields(giftOrderCancelled, { reward_id: event.rewardId, order_id: event.orderId });
      await useCasesIn(tx).returnReward.execute({ rewardId: event.rewardId, orderId: event.orderId, reason: 'gift order cancelled' });
    }),
    handleEvent(giftOrderRejected, async (tx, event) => {
      requireEventFields(giftOrderRejected, { reward_id: event.rewardId, order_id: event.orderId });
      await useCasesIn(tx).returnReward.execute({
        rewardId: event.rewardId,
        orderId: event.orderId,
        reason: `gift order rejected: ${event.reason}`,
      });
    }),
  ];
}
