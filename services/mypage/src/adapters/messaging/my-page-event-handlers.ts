import {
  deliveryCancelled,
  deliveryCompleted,
  deliveryStarted,
  giftOrderCancelled,
  giftOrderDelivered,
  giftOrderPaid,
  giftOrderRejected,
  missionAchieved,
  missionRewarded,
  rewardIssued,
  rewardReturned,
  rewardSpent,
  walletCredited,
} from '#contracts/events';
import type { EventEnvelope } from '#platform/bus/event-bus';
import type { Transaction } from '#platform/db/database';
import type { EventType } from '#platform/events/event-type';
import { type EventHandler, handleEvents } from '#platform/inbox/event-consumer';
import type { RecordPageChange } from '../../application/record-page-change.js';
import type { OrderFacts, PageChange } from '../../domain/page-facts.js';

/**
 * Every event that shows on a customer's page, each turned into the facts it tells (protobuf
 * in, facts out, nothing else). Each fact's time is the event's own timestamp field, falling
 * back to the envelope's, so a replay reproduces the page exactly.
 *
 * A run of events is recorded with all its statements sent at once on the transaction's
 * connection (pipelined: one round trip for the run, not one per event). Facts only fill
 * blanks, so the order they land in does not matter.
 */
export function myPageEventHandlers(recordIn: (tx: Transaction) => RecordPageChange) {
  const on = <T>(event: EventType<T>, toChange: (message: T, envelope: EventEnvelope) => PageChange): EventHandler<T> =>
    handleEvents(event, (tx, events) => recordIn(tx).executeAll(events.map(({ message, envelope }) => toChange(message, envelope))));
  const time = (value: Date | undefined, envelope: EventEnvelope) => value ?? envelope.occurredAt;
  const text = (value: string) => (value === '' ? undefined : value);
  /** An order fact, with the order's reward (if the event names it) added to the page too. */
  const order = (customerId: string, at: Date, facts: { orderId: string } & OrderFacts): PageChange => ({
    customerId,
    at,
    orders: [facts],
    rewards: facts.rewardId ? [{ rewardId: facts.rewardId }] : [],
  });

  return [
    on(missionAchieved, (e, env) => {
      const at = time(e.achievedAt, env);
      return {
        customerId: e.customerId,
        at,
        missions: [{ missionId: e.missionId, eventCode: text(e.eventCode), missionCode: text(e.missionCode), achievedAt: at }],
      };
    }),
    on(missionRewarded, (e, env) => {
      const at = time(e.rewardedAt, env);
      return {
        customerId: e.customerId,
        at,
        missions: [{ missionId: e.missionId, rewardId: text(e.rewardId), rewardedAt: at }],
        rewards: e.rewardId ? [{ rewardId: e.rewardId, missionId: e.missionId }] : [],
      };
    }),
    on(rewardIssued, (e, env) => {
      const at = time(e.issuedAt, env);
      return {
        customerId: e.customerId,
        at,
        rewards: [{ rewardId: e.rewardId, missionId: text(e.missionId), issuedAt: at }],
        missions: e.missionId ? [{ missionId: e.missionId, rewardId: e.rewardId }] : [],
      };
    }),
    on(walletCredited, (e, env) => {
      const at = time(e.creditedAt, env);
      return {
        customerId: e.customerId,
        at,
        rewards: [{ rewardId: e.rewardId, missionId: text(e.missionId), creditedAt: at }],
        missions: e.missionId ? [{ missionId: e.missionId, rewardId: e.rewardId }] : [],
      };
    }),
    on(rewardSpent, (e, env) => {
      const at = time(e.spentAt, env);
      return order(e.customerId, at, { orderId: e.orderId, rewardId: e.rewardId, giftId: text(e.giftId), spentAt: at });
    }),
    on(rewardReturned, (e, env) => {
      const at = time(e.returnedAt, env);
      return order(e.customerId, at, { orderId: e.orderId, rewardId: e.rewardId, returnedAt: at });
    }),
    on(giftOrderPaid, (e, env) => {
      const at = time(e.paidAt, env);
      return order(e.customerId, at, {
        orderId: e.orderId,
        rewardId: text(e.rewardId),
        giftId: text(e.giftId),
        giftName: text(e.giftName),
        paidAt: at,
      });
    }),
    on(giftOrderCancelled, (e, env) => {
      const at = time(e.cancelledAt, env);
      return order(e.customerId, at, { orderId: e.orderId, rewardId: text(e.rewardId), giftId: text(e.giftId), cancelledAt: at });
    }),
    on(giftOrderRejected, (e, env) => {
      const at = time(e.rejectedAt, env);
      return order(e.customerId, at, { orderId: e.orderId, rewardId: text(e.rewardId), giftId: text(e.giftId), rejectedAt: at });
    }),
    on(giftOrderDelivered, (e, env) => {
      const at = time(e.deliveredAt, env);
      return order(e.customerId, at, { orderId: e.orderId, giftId: text(e.giftId), deliveredAt: at });
    }),
    on(deliveryStarted, (e, env) => {
      const at = time(e.startedAt, env);
      return order(e.customerId, at, { orderId: e.orderId, giftId: text(e.giftId), deliveryId: text(e.deliveryId), deliveryStartedAt: at });
    }),
    on(deliveryCancelled, (e, env) => {
      const at = time(e.cancelledAt, env);
      return order(e.customerId, at, {
        orderId: e.orderId,
        giftId: text(e.giftId),
        deliveryId: text(e.deliveryId),
        deliveryCancelledAt: at,
      });
    }),
    on(deliveryCompleted, (e, env) => {
      const at = time(e.completedAt, env);
      return order(e.customerId, at, {
        orderId: e.orderId,
        giftId: text(e.giftId),
        deliveryId: text(e.deliveryId),
        deliveryCompletedAt: at,
      });
    }),
  ];
}
