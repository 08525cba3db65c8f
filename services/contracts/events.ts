/**
 * The catalog of domain events: each protobuf event message with its routing key. Both come
 * from proto/: the message's full name is the event's type, and its
 * `(game.platform.v1.event).routing_key` option (`<context>.<past-verb>`) the key, read from the
 * descriptor set `npm run gen` builds. Publishers and consumers both import from here.
 */
import { getOption, hasOption } from '@bufbuild/protobuf';
import { defineEvent, type EventType, type MessageCodec } from '#platform/events/event-type';
import { descriptorRegistry } from '#platform/grpc/descriptor-set';
import * as deliveryEvents from './generated/game/delivery/v1/delivery_events.js';
import * as giftEvents from './generated/game/gift/v1/gift_events.js';
import * as missionEvents from './generated/game/mission/v1/mission_events.js';
import * as rewardEvents from './generated/game/reward/v1/reward_events.js';
import * as walletEvents from './generated/game/wallet/v1/wallet_events.js';

const registry = descriptorRegistry();
const EVENT_OPTION = registry.getExtension('game.platform.v1.event');

/** A generated events module: its package and its message codecs. */
type EventsModule = { protobufPackage: string } & Record<string, unknown>;
type CodecOf<M, K extends keyof M> = M[K] extends MessageCodec<infer T> ? T : never;

/** The event a generated message is: `name` is checked against the module's exports. */
function eventOf<M extends EventsModule, K extends keyof M & string>(module: M, name: K): EventType<CodecOf<M, K>> {
  const typeName = `${module.protobufPackage}.${name}`;
  const message = registry.getMessage(typeName);
  if (!message || !EVENT_OPTION || !hasOption(message, EVENT_OPTION)) {
    throw new Error(`${typeName} is not an event: it needs option (game.platform.v1.event) in proto/ (then npm run gen)`);
  }
  const { routingKey } = getOption(message, EVENT_OPTION) as unknown as { routingKey: string };
  return defineEvent(typeName, routingKey, module[name] as MessageCodec<CodecOf<M, K>>);
}

export const missionAchieved = eventOf(missionEvents, 'MissionAchieved');
export const missionRewarded = eventOf(missionEvents, 'MissionRewarded');
export const rewardIssued = eventOf(rewardEvents, 'RewardIssued');
export const walletCredited = eventOf(walletEvents, 'WalletCredited');
export const rewardSpent = eventOf(walletEvents, 'RewardSpent');
export const rewardReturned = eventOf(walletEvents, 'RewardReturned');
export const exchangeAbandoned = eventOf(walletEvents, 'ExchangeAbandoned');

export const giftOrderPaid = eventOf(giftEvents, 'GiftOrderPaid');
export const giftOrderCancelled = eventOf(giftEvents, 'GiftOrderCancelled');
export const giftOrderRejected = eventOf(giftEvents, 'GiftOrderRejected');
export const giftOrderDelivered = eventOf(giftEvents, 'GiftOrderDelivered');
export const giftStockChanged = eventOf(giftEvents, 'GiftStockChanged');

export const deliveryStarted = eventOf(deliveryEvents, 'DeliveryStarted');
export const deliveryCancelled = eventOf(deliveryEvents, 'DeliveryCancelled');
export const deliveryCompleted = eventOf(deliveryEvents, 'DeliveryCompleted');
