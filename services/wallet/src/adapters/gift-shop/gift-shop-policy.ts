import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
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
import { observeBreaker } from './gift-shop-breaker-metrics.js';

export interface GiftShopPolicyOptions {
  /** Each attempt is abandoned (and its RPC cancelled) after this long. */
  attemptTimeoutMs: number;
  /** Retries after the first attempt, on transient errors only. */
  maxRetries: number;
  /** Consecutive transient failures or timeouts that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before letting one trial call through. */
  halfOpenAfterMs: number;
}

/**
 * The resilience around the wallet's synchronous call to the gift shop, outermost first:
 * retry (exponential backoff, only UNAVAILABLE, DEADLINE_EXCEEDED and timeouts; safe because
 * the reservation is idempotent on the order id; never on business errors and never on an open
 * breaker) -> circuit breaker (opens after repeated failures or slowness) -> timeout per attempt.
 */
export class GiftShopPolicy {
  readonly policy: IPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private openedAt = 0;

  constructor(
    private readonly options: GiftShopPolicyOptions,
    logger: Logger,
  ) {
    const breaker = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.breaker = breaker;
    observeBreaker(breaker);
    breaker.onBreak(() => {
      this.openedAt = Date.now();
      logger.warn('gift shop circuit opened: exchanges fail fast', { halfOpenAfterMs: options.halfOpenAfterMs });
    });
    breaker.onReset(() => logger.info('gift shop circuit closed: exchanges flow again'));
    const retries = retry(
      handleWhen((error) => isTransient(error) && !(error instanceof BrokenCircuitError)),
      { maxAttempts: options.maxRetries, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }) },
    );
    this.policy = wrap(retries, breaker, timeout(options.attemptTimeoutMs, TimeoutStrategy.Aggressive));
  }

  /** Open and still inside its pause: calls would be refused without being tried. */
  isOpen(): boolean {
    return this.breaker.state === CircuitState.Open && Date.now() - this.openedAt < this.options.halfOpenAfterMs;
  }

  /** How long until the breaker lets a call through again (at least a second, to be honest to people). */
  retryAfterMs(): number {
    const remaining = this.options.halfOpenAfterMs - (Date.now() - this.openedAt);
    return Math.max(1000, remaining);
  }
}

/** Errors worth another attempt: the gift shop did not answer, not "it said no". */
export function isTransient(error: Error): boolean {
  if (error instanceof TaskCancelledError) return true;
  const code = (error as { code?: unknown }).code;
  return code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED;
}
