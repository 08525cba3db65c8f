import type { Logger } from '../logging/logger.js';

/**
 * Work a service repeats in the background (sweeping expired reservations, reconciling
 * exchanges left pending by a crash). One run at a time; a failing run is logged and the next
 * one comes at the usual interval.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly run: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs once now (tests and operators use this rather than waiting for the interval). */
  async runOnce(): Promise<void> {
    await this.running;
    this.running = this.run().catch((error: unknown) => this.logger.warn('background task failed', { task: this.name, error }));
    await this.running;
    this.running = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }
}
