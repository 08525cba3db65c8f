import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import type { Logger } from '../../../../platform/src/logging/logger.js';

export interface WebhookPolicyOptions {
  /** Each POST is abandoned (and its request aborted) after this long. */
  attemptTimeoutMs: number;
  /** Retries after the first attempt, on transient failures only. */
  maxRetries: number;
  /** Consecutive transient failures or timeouts that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before one trial POST goes through. */
  halfOpenAfterMs: number;
}

/** The webhook did not take the notice but may later: no answer, a timeout, 408, 429 or 5xx. */
export class WebhookUnavailableError extends Error {}

/**
 * The resilience around the webhook, outermost first: retry (exponential backoff, transient
 * failures only, never on an open breaker) -> circuit breaker (opens after repeated failures
 * or slowness, so a dead endpoint is not hammered) -> timeout per attempt. What still fails
 * goes back to the delivery queue, which tries again later with its own, longer backoff.
 */
export class WebhookPolicy {
  readonly policy: IPolicy;

  constructor(options: WebhookPolicyOptions, logger: Logger) {
    const breaker = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    breaker.onBreak(() => logger.warn('webhook circuit opened: notices wait in the delivery queue', { halfOpenAfterMs: options.halfOpenAfterMs }));
    breaker.onReset(() => logger.info('webhook circuit closed: notices flow again'));
    const retries = retry(
      handleWhen((error) => isTransient(error) && !(error instanceof BrokenCircuitError)),
      { maxAttempts: options.maxRetries, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }) },
    );
    this.policy = wrap(retries, breaker, timeout(options.attemptTimeoutMs, TimeoutStrategy.Aggressive));
  }
}

export function isTransient(error: Error): boolean {
  return error instanceof WebhookUnavailableError || error instanceof TaskCancelledError;
}
