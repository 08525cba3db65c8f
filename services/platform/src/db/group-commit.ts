import { unavailability } from '../errors/infrastructure-error.js';

export interface GroupCommitOptions<T, R> {
  /** Writes the items in one statement or transaction; returns one result per item, in order. */
  write(items: readonly T[]): Promise<readonly R[]>;
  /** The most items one write takes. */
  maxBatch: number;
  /** Writes running at once (each holds a pooled connection while it runs). */
  maxInFlight: number;
}

interface Pending<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: concurrent requests that each write one row are joined into one write, so a
 * busy service pays one statement, one commit and one WAL flush for many requests instead of
 * one each. A quiet service adds no delay: a request that finds no write running is written
 * in the next turn of the event loop (together with whatever arrived in the same turn); while
 * writes run, new requests gather for the next one, so batches grow with the load.
 *
 * A batch that fails for a reason other than the database being away is written again item by
 * item, so one bad request fails alone rather than taking the others down with it.
 */
export class GroupCommit<T, R> {
  private readonly queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.writeBatch(batch).finally(() => {
        this.inFlight -= 1;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private async writeBatch(batch: readonly Pending<T, R>[]): Promise<void> {
    try {
      settle(batch, await this.options.write(batch.map((pending) => pending.item)));
    } catch (error) {
      if (batch.length === 1 || unavailability(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      for (const pending of batch) {
        try {
          settle([pending], await this.options.write([pending.item]));
        } catch (itemError) {
          pending.reject(itemError);
        }
      }
    }
  }
}

function settle<T, R>(batch: readonly Pending<T, R>[], results: readonly R[]): void {
  if (results.length !== batch.length) {
    const error = new Error(`group commit: ${results.length} results for ${batch.length} items`);
    for (const pending of batch) pending.reject(error);
    return;
  }
  for (const [i, pending] of batch.entries()) pending.resolve(results[i]);
}
