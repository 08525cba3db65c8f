import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';

/** The knobs of a guarded call to a dependency that may be slow or down. */
export interface CallPolicyOptions {
  /** Each attempt is abandoned (and its request cancelled through the signal) after this long. */
  attemptTimeoutMs: number;
  /** Retries after the first attempt, on transient failures only. */
  maxRetries: number;
  /** Consecutive transient failures or timeouts that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before one trial call goes through. */
  halfOpenAfterMs: number;
}

export interface CallPolicy {
  readonly policy: IPolicy;
  readonly breaker: CircuitBreakerPolicy;
}

/**
 * cockatiel around a call, outermost first: retry (exponential backoff, only failures
 * `isTransient` accepts or timeouts; never on an open breaker, which handleAll would retry)
 * -> circuit breaker (opens after repeated failures or slowness) -> timeout per attempt.
 * One builder for the wallet's gift shop call and notification's webhook.
 */
export function callPolicy(options: CallPolicyOptions, isTransient: (error: Error) => boolean): CallPolicy {
  const transient = (error: Error) => error instanceof TaskCancelledError || isTransient(error);
  const breaker = circuitBreaker(handleWhen(transient), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  const retries = retry(
    handleWhen((error) => transient(error) && !(error instanceof BrokenCircuitError)),
    { maxAttempts: options.maxRetries, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }) },
  );
  return { policy: wrap(retries, breaker, timeout(options.attemptTimeoutMs, TimeoutStrategy.Aggressive)), breaker };
}
