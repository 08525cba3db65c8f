import type { Database, Executor, Transaction } from './database.js';

/**
 * The two transaction shapes repositories offer (one rule for every service):
 *
 * - One aggregate: `repository.update(id, (aggregate) => { ... })`. The repository loads it
 *   FOR UPDATE, runs the closure (domain methods only), saves it and writes the events it pulled
 *   to the outbox, all in one transaction. `updateAll(ids, fn)` is its batch form (the consumers'
 *   batch handlers). Examples: GiftRepository.update, MissionRepository.updateAll.
 * - Several aggregates that must change together: a unit of work, `unitOfWork.run((stores) =>
 *   ...)`, whose stores are the same repositories bound to one transaction. Examples:
 *   GiftUnitOfWork (an order and its gift's stock), WalletUnitOfWork (a reward and its exchange).
 *
 * Both run in a TransactionScope: the request's own transaction, or the consumer's, so an event's
 * effect, its outbox rows and its inbox row commit together.
 *
 * Where a repository's writes run. Request paths use the database: each write is its own
 * transaction and, after it commits, the outbox relay is woken. Event consumers pass their
 * own transaction, so the effect, its outbox rows and the inbox row commit together.
 */
export class TransactionScope {
  private constructor(
    private readonly db: Database | undefined,
    private readonly tx: Transaction | undefined,
    private readonly afterCommit: () => void,
  ) {}

  static database(db: Database, afterCommit: () => void = () => {}): TransactionScope {
    return new TransactionScope(db, undefined, afterCommit);
  }

  static transaction(tx: Transaction): TransactionScope {
    return new TransactionScope(undefined, tx, () => {});
  }

  /** Whether writes join a caller's transaction (an event consumer's) rather than commit on their own. */
  get inTransaction(): boolean {
    return this.tx !== undefined;
  }

  /** For reads: the caller's transaction if there is one. */
  get reader(): Executor {
    return (this.tx ?? this.db) as Executor;
  }

  /**
   * A write that is one statement: atomic on its own, so outside a caller's transaction it runs
   * without BEGIN/COMMIT (two round trips saved), then wakes the relay like write() does.
   */
  async writeStatement<T>(work: (executor: Executor) => Promise<T>): Promise<T> {
    if (this.tx) return work(this.tx);
    const result = await work(this.db as Database);
    this.afterCommit();
    return result;
  }

  async write<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.tx) return work(this.tx);
    const result = await (this.db as Database).transaction(work);
    this.afterCommit();
    return result;
  }
}
