import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging/logger.js';

/**
 * grpc.health.v1 service names the probes ask for. '' (the server as a whole) is readiness:
 * NOT_SERVING takes the pod out of load balancing. 'liveness' is asked by the liveness probe:
 * NOT_SERVING makes the kubelet restart the container. The manifests (scripts/deploy) use these.
 */
export const READINESS_HEALTH_SERVICE = '';
export const LIVENESS_HEALTH_SERVICE = 'liveness';

export interface DatabaseHealthOptions {
  db: Database;
  /** How often the database is asked `select 1`; the answer must come within this too. */
  checkEveryMs: number;
  /** Database unanswered this long: not ready (no new requests routed here). */
  readinessAfterMs: number;
  /** Database unanswered this long: not live (restart me; a fresh process may reconnect). */
  livenessAfterMs: number;
  onReadiness(ready: boolean): void;
  onLiveness(live: boolean): void;
  logger: Logger;
}

/**
 * Tells the probes the truth about the database: a service that cannot reach it serves only
 * errors, so past a threshold it stops being ready, and past a longer one it asks to be
 * restarted. Both recover by themselves as soon as the database answers again.
 */
export class DatabaseHealth {
  private timer?: NodeJS.Timeout;
  private lostSince?: number;
  private ready = true;
  private live = true;

  constructor(private readonly options: DatabaseHealthOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.options.checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private checking = false;

  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const answered = await this.ping();
      const now = Date.now();
      if (answered) this.lostSince = undefined;
      else this.lostSince ??= now;
      const lostMs = this.lostSince === undefined ? 0 : now - this.lostSince;
      this.set('ready', lostMs < this.options.readinessAfterMs);
      this.set('live', lostMs < this.options.livenessAfterMs);
    } finally {
      this.checking = false;
    }
  }

  private async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.checkEveryMs);
    });
    const answer = this.options.db.execute(sql`select 1`).then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private set(which: 'ready' | 'live', value: boolean): void {
    if (this[which] === value) return;
    this[which] = value;
    this.options.logger[value ? 'info' : 'warn'](value ? `database answers again: ${which}` : `database unanswered: not ${which}`, {
      lostMs: this.lostSince === undefined ? 0 : Date.now() - this.lostSince,
    });
    if (which === 'ready') this.options.onReadiness(value);
    else this.options.onLiveness(value);
  }
}
