import { type IPolicy, TaskCancelledError } from 'cockatiel';
import type { Logger } from '#platform/logging/logger';
import { type CallPolicyOptions, callPolicy } from '#platform/resilience/call-policy';

export type WebhookPolicyOptions = CallPolicyOptions;

/** The webhook did not take the notice but may later: no answer, a timeout, 408, 429 or 5xx. */
export class WebhookUnavailableError extends Error {
  override readonly name = 'WebhookUnavailableError';
}

/**
 * The resilience around the webhook (the platform's callPolicy: retry, circuit breaker so a
 * dead endpoint is not hammered, timeout per attempt). What still fails goes back to the
 * delivery queue, which tries again later with its own, longer backoff.
 */
export class WebhookPolicy {
  readonly policy: IPolicy;

  constructor(options: WebhookPolicyOptions, logger: Logger) {
    const { policy, breaker } = callPolicy(options, isTransient);
    this.policy = policy;
    breaker.onBreak(() =>
      logger.warn('webhook circuit opened: notices wait in the delivery queue', { halfOpenAfterMs: options.halfOpenAfterMs }),
    );
    breaker.onReset(() => logger.info('webhook circuit closed: notices flow again'));
  }
}

export function isTransient(error: Error): boolean {
  return error instanceof WebhookUnavailableError || error instanceof TaskCancelledError;
}
