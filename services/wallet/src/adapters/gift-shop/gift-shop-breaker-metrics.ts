import { type CircuitBreakerPolicy, CircuitState } from 'cockatiel';
import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '#platform/metrics/metrics-registry';

const STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

const breakerState = new Gauge({
  name: 'gift_shop_breaker_state',
  help: "The wallet's circuit breaker around the gift shop: 1 for the state it is in, 0 for the others.",
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
});

const breakerTransitions = new Counter({
  name: 'gift_shop_breaker_transitions_total',
  help: 'State changes of the gift shop circuit breaker, by the state entered.',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
});

function show(state: CircuitState): void {
  for (const [value, name] of Object.entries(STATE_NAMES)) breakerState.set({ state: name }, Number(value) === state ? 1 : 0);
}

/** Reports the breaker's state (as a gauge per state) and counts its transitions. */
export function observeBreaker(breaker: CircuitBreakerPolicy): void {
  show(breaker.state);
  breaker.onStateChange((state) => {
    show(state);
    breakerTransitions.inc({ state: STATE_NAMES[state] });
  });
}
