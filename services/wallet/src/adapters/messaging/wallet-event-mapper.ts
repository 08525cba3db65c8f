import { walletCredited } from '../../../../contracts/events.js';
import { newEvent, type NewEvent } from '../../../../platform/src/events/event-type.js';
import type { WalletEvent } from '../../domain/wallet-reward.js';

/** Domain events to the protobuf messages of proto/game/wallet/v1/wallet_events.proto. */
export function toOutboxEvent(event: WalletEvent): NewEvent {
  const { reward } = event;
  return newEvent(
    walletCredited,
    { customerId: reward.customerId, rewardId: reward.rewardId, missionId: reward.missionId, creditedAt: reward.addedAt },
    reward.customerId,
    reward.addedAt,
  );
}
