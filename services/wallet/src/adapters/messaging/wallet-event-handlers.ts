import { rewardIssued } from '../../../../contracts/events.js';
import type { Transaction } from '../../../../platform/src/db/database.js';
import { handleEvent, PoisonEventError } from '../../../../platform/src/inbox/event-consumer.js';
import type { CreditReward } from '../../application/credit-reward.js';

/** Events the wallet service consumes, each applied in the consumer's transaction. */
export function walletEventHandlers(creditRewardIn: (tx: Transaction) => CreditReward) {
  return [
    handleEvent(rewardIssued, async (tx, event) => {
      if (!event.rewardId || !event.customerId || !event.missionId) {
        throw new PoisonEventError('RewardIssued without reward_id, customer_id or mission_id');
      }
      await creditRewardIn(tx).execute({
        rewardId: event.rewardId,
        customerId: event.customerId,
        missionId: event.missionId,
        issuedAt: event.issuedAt ?? new Date(),
      });
    }),
  ];
}
