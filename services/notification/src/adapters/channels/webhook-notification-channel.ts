import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import type { NotificationState } from '../../domain/notification.js';
import { type NotificationChannel, NotificationRejectedError } from '../../domain/notification-channel.js';
import { type WebhookPolicy, WebhookUnavailableError } from './webhook-policy.js';

/**
 * Sends each notice as an HTTP POST of JSON to a webhook, guarded by the WebhookPolicy:
 *   {"notificationId", "customerId", "kind", "text", "subjectId", "createdAt"}
 * with an `Idempotency-Key` header (the notification id): delivery is at least once. 2xx is
 * taken; 408, 429, 5xx, no answer and timeouts are tried again; any other 4xx is a refusal
 * for good.
 */
export class WebhookNotificationChannel implements NotificationChannel {
  readonly name = 'webhook';

  constructor(
    private readonly url: string,
    private readonly policy: WebhookPolicy,
  ) {}

  async send(notification: NotificationState): Promise<void> {
    try {
      await this.policy.policy.execute(({ signal }) => this.post(notification, signal));
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new WebhookUnavailableError('webhook circuit is open');
      if (error instanceof TaskCancelledError) throw new WebhookUnavailableError('webhook timed out');
      throw error;
    }
  }

  private async post(notification: NotificationState, signal: AbortSignal): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': notification.id },
        body: JSON.stringify({
          notificationId: notification.id,
          customerId: notification.customerId,
          kind: notification.kind,
          text: notification.text,
          subjectId: notification.subjectId,
          createdAt: notification.createdAt.toISOString(),
        }),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw new TaskCancelledError('webhook attempt timed out');
      throw new WebhookUnavailableError(`webhook unreachable: ${(error as Error).cause ?? (error as Error).message}`);
    }
    // Read the body to the end so the connection goes back to the pool.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const status = response.status;
    if (status === 408 || status === 429 || status >= 500) throw new WebhookUnavailableError(`webhook answered HTTP ${status}`);
    throw new NotificationRejectedError(`webhook refused the notification: HTTP ${status}`);
  }
}
