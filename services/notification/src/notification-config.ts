import { type Env, readInt, readOptionalString } from '#platform/config/env-reader';
import type { WebhookPolicyOptions } from './adapters/channels/webhook-policy.js';
import type { DispatchSettings } from './application/dispatch-notifications.js';

/** The notification service's own settings (besides the platform's), read once at start. */
export interface NotificationConfig {
  /** Where notices are POSTed; unset: they are only logged. */
  webhookUrl?: string;
  webhook: WebhookPolicyOptions;
  /** How often the delivery queue is checked for notices due. */
  dispatchIntervalMs: number;
  dispatch: DispatchSettings;
}

export function readNotificationConfig(env: Env = process.env): NotificationConfig {
  return {
    webhookUrl: readOptionalString(env, 'NOTIFICATION_WEBHOOK_URL'),
    webhook: {
      attemptTimeoutMs: readInt(env, 'NOTIFICATION_WEBHOOK_TIMEOUT_MS', 2000, { min: 10 }),
      maxRetries: readInt(env, 'NOTIFICATION_WEBHOOK_MAX_RETRIES', 2, { min: 0, max: 10 }),
      breakerThreshold: readInt(env, 'NOTIFICATION_WEBHOOK_BREAKER_THRESHOLD', 5, { min: 1 }),
      halfOpenAfterMs: readInt(env, 'NOTIFICATION_WEBHOOK_BREAKER_HALF_OPEN_MS', 10_000, { min: 50 }),
    },
    dispatchIntervalMs: readInt(env, 'NOTIFICATION_DISPATCH_INTERVAL_MS', 250, { min: 10 }),
    dispatch: {
      batchSize: readInt(env, 'NOTIFICATION_DISPATCH_BATCH_SIZE', 100, { min: 1, max: 1000 }),
      concurrency: readInt(env, 'NOTIFICATION_DISPATCH_CONCURRENCY', 8, { min: 1, max: 100 }),
      leaseMs: readInt(env, 'NOTIFICATION_DISPATCH_LEASE_MS', 60_000, { min: 100 }),
      retryBaseMs: readInt(env, 'NOTIFICATION_RETRY_BASE_MS', 1000, { min: 10 }),
      retryMaxMs: readInt(env, 'NOTIFICATION_RETRY_MAX_MS', 300_000, { min: 10 }),
    },
  };
}
