/**
 * The catalog of domain events: each protobuf event message with its routing key
 * (`<context>.<past-verb>`). Publishers and consumers both import from here, so a name or key
 * cannot drift between them.
 */
import { defineEvent } from '../platform/src/events/event-type.js';
import { MissionAchieved, MissionRewarded } from './generated/game/mission/v1/mission_events.js';
import { RewardIssued } from './generated/game/reward/v1/reward_events.js';
import { ExchangeAbandoned, RewardReturned, RewardSpent, WalletCredited } from './generated/game/wallet/v1/wallet_events.js';
import {
  GiftOrderCancelled,
  GiftOrderDelivered,
  GiftOrderPaid,
  GiftOrderRejected,
  GiftStockChanged,
} from './generated/game/gift/v1/gift_events.js';
import { DeliveryCancelled, DeliveryCompleted, DeliveryStarted } from './generated/game/delivery/v1/delivery_events.js';

export const missionAchieved = defineEvent('game.mission.v1.MissionAchieved', 'mission.achieved', MissionAchieved);
export const missionRewarded = defineEvent('game.mission.v1.MissionRewarded', 'mission.rewarded', MissionRewarded);
export const rewardIssued = defineEvent('game.reward.v1.RewardIssued', 'reward.issued', RewardIssued);
export const walletCredited = defineEvent('game.wallet.v1.WalletCredited', 'wallet.credited', WalletCredited);
export const rewardSpent = defineEvent('game.wallet.v1.RewardSpent', 'wallet.reward_spent', RewardSpent);
export const rewardReturned = defineEvent('game.wallet.v1.RewardReturned', 'wallet.reward_returned', RewardReturned);
export const exchangeAbandoned = defineEvent('game.wallet.v1.ExchangeAbandoned', 'wallet.exchange_abandoned', ExchangeAbandoned);

export const giftOrderPaid = defineEvent('game.gift.v1.GiftOrderPaid', 'gift.order_paid', GiftOrderPaid);
export const giftOrderCancelled = defineEvent('game.gift.v1.GiftOrderCancelled', 'gift.order_cancelled', GiftOrderCancelled);
export const giftOrderRejected = defineEvent('game.gift.v1.GiftOrderRejected', 'gift.order_rejected', GiftOrderRejected);
export const giftOrderDelivered = defineEvent('game.gift.v1.GiftOrderDelivered', 'gift.order_delivered', GiftOrderDelivered);
export const giftStockChanged = defineEvent('game.gift.v1.GiftStockChanged', 'gift.stock_changed', GiftStockChanged);

export const deliveryStarted = defineEvent('game.delivery.v1.DeliveryStarted', 'delivery.started', DeliveryStarted);
export const deliveryCancelled = defineEvent('game.delivery.v1.DeliveryCancelled', 'delivery.cancelled', DeliveryCancelled);
export const deliveryCompleted = defineEvent('game.delivery.v1.DeliveryCompleted', 'delivery.completed', DeliveryCompleted);
