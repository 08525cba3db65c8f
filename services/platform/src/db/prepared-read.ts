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
 * It is built once per executor it runs on: the database for a request path, or a caller's
 * transaction (an event consumer's) for as long as that lasts, since a query prepared on the
 * database would run outside the transaction.
 */
export class PreparedRead<R> {
  private readonly byExecutor = new WeakMap<Executor, Prepared<R>>();

  /** `build` makes the query on an executor, `.prepare(name)`d. */
  constructor(private readonly build: (executor: Executor) => Prepared<R>) {}

  run(scope: TransactionScope, placeholders: Record<string, unknown>): Promise<R> {
    const executor = scope.reader;
    let prepared = this.byExecutor.get(executor);
    if (!prepared) {
      prepared = this.build(executor);
      this.byExecutor.set(executor, prepared);
    }
    return prepared.execute(placeholders);
  }
}
