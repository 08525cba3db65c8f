import { Counter } from 'prom-client';
import { metricsRegistry } from '#platform/metrics/metrics-registry';
import type { ExchangeOutcomes } from '../../application/exchange-outcomes.js';

const completed = new Counter({
  name: 'exchanges_completed_total',
  help: 'Exchanges whose reward was spent on a reserved gift.',
  registers: [metricsRegistry],
});
const failed = new Counter({
  name: 'exchanges_failed_total',
  help: 'Exchanges that failed (the reward stayed in the wallet), by reason code.',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

export const prometheusExchangeOutcomes: ExchangeOutcomes = {
  completed: () => completed.inc(),
  failed: (reason) => failed.inc({ reason }),
};
