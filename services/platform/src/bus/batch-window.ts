/**
 * When a consumer's next batch may start (SubscriptionSpec.batchWindowMs): at most once per
 * window. A consumer that was quiet for a window starts at once, so a lone event waits for
 * nothing; under a steady stream each batch waits out what is left of the window since the last
 * one started, or until a full batch is in hand, and so holds every event that came meanwhile.
 *
 * Why: a consumer hands over what arrived in the same I/O turn, so under a moderate rate its
 * batches are one or two events long, and every batch is a transaction (BEGIN, the inbox, the
 * work, COMMIT) plus an ack, a few round trips that wake the service and a Postgres backend
 * each time. As deployed, at half the chain's sustained rate that made the machine as busy as at
 * the full rate (docs/performance.md, "a read model's batches"). Paced, a read model's batch
 * holds what one window of traffic brings: its cost per event falls as the rate rises, and
 * its pages lag by at most one window more.
 */
export class BatchWindow {
  private lastStart = Number.NEGATIVE_INFINITY;
  private release?: () => void;

  constructor(private readonly windowMs: number) {}

  /**
   * Undefined when the next batch may start now; otherwise a promise that settles when it may:
   * the window has passed, or cutShort() was called (a full batch is in hand, or the consumer stops).
   */
  wait(): Promise<void> | undefined {
    const left = this.lastStart + this.windowMs - performance.now();
    if (this.windowMs <= 0 || left <= 0) return undefined;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      this.release = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.release = undefined;
    });
  }

  /** A batch starts now: the next may start one window later. */
  started(): void {
    if (this.windowMs > 0) this.lastStart = performance.now();
  }

  /** Ends a wait in progress (there is nothing more to gather, or the consumer stops). */
  cutShort(): void {
    this.release?.();
  }
}

/**
 * The window of the platform's read models (My Page, notifications): a page or a notice may lag
 * by 50 ms more, far below what a person reading it notices, and at the half rate of the
 * deployed bench a batch then holds about ten events instead of one or two.
 */
export const READ_MODEL_BATCH_WINDOW_MS = 50;
