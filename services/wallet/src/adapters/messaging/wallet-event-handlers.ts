import { giftOrderCancelled, giftOrderRejected, rewardIssued } from '../../../../contracts/events.js';
import type { Transaction } from '../../../../platform/src/db/database.js';
import { handleEvent, handleEvents, PoisonEventError } from '../../../../platform/src/inbox/event-consumer.js';
import type { CreditReward } from '../../application/credit-reward.js';
import type { ReturnReward } from '../../application/return-reward.js';

/** Events the wallet consumes, each applied in the consumer's transaction. */
export function walletEventHandlers(useCasesIn: (tx: Transaction) => { creditReward: CreditReward; returnReward: ReturnReward }) {
  return [
    handleEvents(rewardIssued, async (tx, events) => {
      const commands = events.map(({ message }) => {
        if (!message.rewardId || !message.customerId || !message.missionId) {
          throw new PoisonEventError('RewardIssued without reward_id, customer_id or mission_id');
        }
        return { rewardId: message.rewardId, customerId: message.customerId, missionId: message.missionId, issuedAt: message.issuedAt ?? new Date() };
      });
      await useCasesIn(tx).creditReward.execute(commands);
    }),
    handleEvent(giftOrderCancelled, async (tx, event) => {
      if (!event.rewardId || !event.orderId) throw new PoisonEventError('GiftOrderCancelled without reward_id or order_id');
      await useCasesIn(tx).returnReward.execute({ rewardId: event.rewardId, orderId: event.orderId, reason: 'gift order cancelled' });
    }),
    handleEvent(giftOrderRejected, async (tx, event) => {
      if (!event.rewardId || !event.orderId) throw new PoisonEventError('GiftOrderRejected without reward_id or order_id');
      await useCasesIn(tx).returnReward.execute({ rewardId: event.rewardId, orderId: event.orderId, reason: `gift order rejected: ${event.reason}` });
    }),
  ];
}
