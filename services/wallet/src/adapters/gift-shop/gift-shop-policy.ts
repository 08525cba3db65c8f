import { status as GrpcStatus } from '@grpc/grpc-js';
import { type CircuitBreakerPolicy, CircuitState, type IPolicy, TaskCancelledError } from 'cockatiel';
import type { Logger } from '#platform/logging/logger';
import { type CallPolicyOptions, callPolicy } from '#platform/resilience/call-policy';
import { observeBreaker } from './gift-shop-breaker-metrics.js';

export type GiftShopPolicyOptions = CallPolicyOptions;

/**
 * The resilience around the wallet's synchronous call to the gift shop (the platform's
 * callPolicy): retries only UNAVAILABLE, DEADLINE_EXCEEDED and timeouts, which is safe because
 * the reservation is idempotent on the order id; never business errors.
 */
export class GiftShopPolicy {
  readonly policy: IPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private openedAt = 0;

  constructor(
    private readonly options: GiftShopPolicyOptions,
    logger: Logger,
  ) {
    const { policy, breaker } = callPolicy(options, isTransient);
    this.policy = policy;
    this.breaker = breaker;
    observeBreaker(breaker);
    breaker.onBreak(() => {
      this.openedAt = Date.now();
      logger.warn('gift shop circuit opened: exchanges fail fast', { halfOpenAfterMs: options.halfOpenAfterMs });
    });
    breaker.onReset(() => logger.info('gift shop circuit closed: exchanges flow again'));
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
