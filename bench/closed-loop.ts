/** One closed-loop run: every call's latency (ms) and the run's length. */
export interface ClosedLoopRun {
  readonly latencies: number[];
  readonly elapsedMs: number;
}

/** `concurrency` callers, each sending its next call as soon as the last is answered, until `calls` are done. */
export async function closedLoop(concurrency: number, calls: number, once: () => Promise<unknown>): Promise<ClosedLoopRun> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const caller = async () => {
    while (next < calls) {
      next += 1;
      const sent = performance.now();
      await once();
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { latencies, elapsedMs: performance.now() - started };
}
