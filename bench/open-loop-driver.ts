export interface OpenLoopOptions {
  readonly count: number;
  /** Sends per second; 0 = as fast as the concurrency cap allows. */
  readonly rate: number;
  readonly concurrency: number;
}

export interface OpenLoopResult {
  readonly startedAt: number;
  /** Worst delay of a send behind its scheduled time (event-loop stalls or the concurrency cap). */
  readonly maxScheduleLagMs: number;
}

/**
 * Calls send(0..count-1) on a fixed schedule (send i is due at i/rate seconds) without waiting
 * for earlier calls to answer, so a slow system gets the same offered load rather than a
 * politely reduced one. Sends that fell behind (a stalled event loop, the cap) go out in a
 * burst as soon as possible, and the lag is reported. `send` must not reject.
 * Resolves once every call has been answered.
 */
export function runOpenLoop(options: OpenLoopOptions, send: (index: number) => Promise<void>): Promise<OpenLoopResult> {
  const { count, rate, concurrency } = options;
  const startedAt = performance.now();
  const dueAt = (index: number) => (rate === 0 ? startedAt : startedAt + (index * 1000) / rate);
  let next = 0;
  let inFlight = 0;
  let maxScheduleLagMs = 0;
  let timer: NodeJS.Timeout | undefined;

  return new Promise((resolve) => {
    const pump = () => {
      timer = undefined;
      const now = performance.now();
      while (next < count && inFlight < concurrency && dueAt(next) <= now) {
        maxScheduleLagMs = Math.max(maxScheduleLagMs, now - dueAt(next));
        inFlight += 1;
        send(next).then(settled);
        next += 1;
      }
      // At the cap, the next answer pumps again; otherwise sleep until the next send is due.
      if (next < count && inFlight < concurrency) timer = setTimeout(pump, dueAt(next) - now);
    };
    const settled = () => {
      inFlight -= 1;
      if (next < count) {
        if (timer === undefined) pump();
      } else if (inFlight === 0) {
        resolve({ startedAt, maxScheduleLagMs });
      }
    };
    pump();
  });
}
