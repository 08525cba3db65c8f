import { exchangeAbandoned, rewardReturned, rewardSpent, walletCredited } from '#contracts/events';
import { type NewEvent, newEvent } from '#platform/events/event-type';
import type { ExchangeEvent } from '../../domain/exchange.js';
import type { WalletRewardEvent } from '../../domain/wallet-reward.js';

/**
 * Domain events to the protobuf messages of proto/game/wallet/v1/wallet_events.proto. Events
 * about one reward use the reward id as aggregate id, so the relay keeps them in order.
 */
export function toOutboxEvent(event: WalletRewardEvent | ExchangeEvent): NewEvent {
  switch (event.type) {
    case 'wallet-credited': {
      const { reward } = event;
      return newEvent(
        walletCredited,
        { customerId: reward.customerId, rewardId: reward.rewardId, missionId: reward.missionId, creditedAt: reward.addedAt },
        reward.rewardId,
        reward.addedAt,
      );
    }
    case 'reward-spent': {
      const { reward } = event;
      return newEvent(
        rewardSpent,
        {
          customerId: reward.customerId,
          rewardId: reward.rewardId,
          orderId: reward.orderId ?? '',
          giftId: event.giftId,
          spentAt: event.at,
        },
        reward.rewardId,
        event.at,
      );
    }
    case 'reward-returned': {
      const { reward } = event;
      return newEvent(
        rewardReturned,
        { customerId: reward.customerId, rewardId: reward.rewardId, orderId: event.orderId, reason: event.reason, returnedAt: event.at },
        reward.rewardId,
        event.at,
      );
    }
    case 'exchange-abandoned': {
      const { exchange } = event;
      return newEvent(
        exchangeAbandoned,
        {
          customerId: exchange.customerId,
          rewardId: exchange.rewardId,
          orderId: exchange.orderId,
          giftId: exchange.giftId,
          reason: exchange.failureReason ?? '',
          abandonedAt: exchange.updatedAt,
        },
        exchange.rewardId,
        exchange.updatedAt,
      );
    }
  }
}
