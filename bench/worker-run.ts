/**
 * Runs a bench's load side in a worker thread and resolves with what it posts back: the callers
 * get their own event loop (and, on a 2-core machine, the other core), so what is measured is the
 * serving side, as a caller in another process would see it.
 */
import { Worker } from 'node:worker_threads';

/** `entry` is the worker's module (a URL next to the caller's); it posts one result or `{ error }`. */
export function runInWorker<Job, Result>(entry: URL, job: Job): Promise<Result> {
  return new Promise((resolve, reject) => {
    // A worker does not inherit tsx's loader: register it there before importing the TypeScript.
    const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
    const worker = new Worker(bootstrap, { eval: true, workerData: job });
    worker.once('message', (message: Result | { error: string }) =>
      message && typeof message === 'object' && 'error' in message ? reject(new Error(message.error)) : resolve(message as Result),
    );
    worker.once('error', reject);
  });
}
