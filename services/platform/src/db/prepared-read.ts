import type { Executor } from './database.js';
import type { TransactionScope } from './transaction-scope.js';

/** What drizzle's `.prepare()` hands back: the built query, run with its placeholders filled in. */
interface Prepared<R> {
  execute(placeholders: Record<string, unknown>): Promise<R>;
}

/**
 * A request path's hot read, built once per database and prepared. drizzle builds a query's
 * SQL from its table, column and operator objects on every call (walking them through `is()`):
 * for GetWallet that was the largest single CPU cost of a read in a profile of bench:gateway.
 * A prepared query keeps the built SQL and only fills in its placeholders (`sql.placeholder`).
 * Inside a caller's transaction (an event consumer's) the query is built on that transaction,
 * as any other: a query prepared on the database would run outside it.
 */
export class PreparedRead<R> {
  private readonly byDatabase = new WeakMap<Executor, Prepared<R>>();

  /** `build` makes the query on an executor, `.prepare(name)`d. */
  constructor(private readonly build: (executor: Executor) => Prepared<R>) {}

  run(scope: TransactionScope, placeholders: Record<string, unknown>): Promise<R> {
    const executor = scope.reader;
    if (scope.inTransaction) return this.build(executor).execute(placeholders);
    let prepared = this.byDatabase.get(executor);
    if (!prepared) {
      prepared = this.build(executor);
      this.byDatabase.set(executor, prepared);
    }
    return prepared.execute(placeholders);
  }
}
