import { Counter } from 'prom-client';
import { metricsRegistry } from './metrics-registry.js';

/**
 * Business counters for the facts the platform announces as events: counted when the outbox
 * relay has the broker's confirm, so each committed fact counts once, on whichever replica
 * published it (sum over replicas). Keyed by routing key (services/contracts/events.ts).
 * Exchanges completed and failed are counted by the wallet itself (its failures have reasons).
 */
const counters: Record<string, Counter> = {
  'mission.achieved': new Counter({
    name: 'missions_achieved_total',
    help: 'Missions achieved (MissionAchieved published).',
    registers: [metricsRegistry],
  }),
  'reward.issued': new Counter({
    name: 'rewards_issued_total',
    help: 'Rewards issued (RewardIssued published).',
    registers: [metricsRegistry],
  }),
  'gift.order_cancelled': new Counter({
    name: 'gift_orders_cancelled_total',
    help: 'Gift orders cancelled (GiftOrderCancelled published).',
    registers: [metricsRegistry],
  }),
};

export function countBusinessFact(routingKey: string, count = 1): void {
  counters[routingKey]?.inc(count);
}
