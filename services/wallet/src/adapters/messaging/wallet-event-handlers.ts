import { giftOrderCancelled, giftOrderRejected, rewardIssued } from '../../../../contracts/events.js';
import type { Transaction } from '../../../../platform/src/db/database.js';
import { handleEvent, PoisonEventError } from '../../../../platform/src/inbox/event-consumer.js';
import type { CreditReward } from '../../application/credit-reward.js';
import type { ReturnReward } from '../../application/return-reward.js';

/** Events the wallet consumes, each applied in the consumer's transaction. */
export function walletEventHandlers(useCasesIn: (tx: Transaction) => { creditReward: CreditReward; returnReward: ReturnReward }) {
  return [
    handleEvent(rewardIssued, async (tx, event) => {
      if (!event.rewardId || !event.customerId || !event.missionId) {
        throw new PoisonEventError('RewardIssued without reward_id, customer_id or mission_id');
      }
      await useCasesIn(tx).creditReward.execute({
        rewardId: event.rewardId,
        customerId: event.customerId,
        missionId: event.missionId,
        issuedAt: event.issuedAt ?? new Date(),
      });
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
