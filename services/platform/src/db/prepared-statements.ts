import type postgres from 'postgres';

/**
 * drizzle-orm runs every statement through postgres-js unprepared (`prepare: false`), and an
 * unprepared statement with parameters costs two round trips (Parse/Describe, wait for the
 * parameter types, then Bind/Execute) plus a parse and plan on the server, every time. The
 * services repeat a few statements thousands of times a second, so this prepares a statement
 * once it has been seen twice: postgres-js then names it and each connection keeps it, one
 * round trip and no parse from then on.
 *
 * Statements whose text varies (a VALUES list as long as the batch) would each become a
 * statement the server keeps for the life of the connection, so at most `limit` distinct texts
 * are prepared per pool; the rest keep running unprepared, as before.
 */
const MAX_PREPARED_TEXT_LENGTH = 4000;

export class StatementPreparation {
  private readonly seen = new Map<string, number>();
  private readonly prepared = new Set<string>();

  constructor(private readonly limit = 200) {}

  /** Whether to run this statement text prepared. */
  shouldPrepare(text: string): boolean {
    // A long text is a VALUES list as long as its batch: it rarely repeats, and hashing it costs.
    if (text.length > MAX_PREPARED_TEXT_LENGTH) return false;
    if (this.prepared.has(text)) return true;
    if (this.prepared.size >= this.limit) return false;
    const count = (this.seen.get(text) ?? 0) + 1;
    if (count < 2) {
      // Bounded like the prepared set: texts seen once are forgotten when there are too many.
      if (this.seen.size >= this.limit * 10) this.seen.clear();
      this.seen.set(text, count);
      return false;
    }
    this.seen.delete(text);
    this.prepared.add(text);
    return true;
  }
}

type Unsafe = postgres.Sql['unsafe'];

/**
 * The same postgres-js client, whose `unsafe` (what drizzle calls, also inside transactions and
 * savepoints) prepares repeated statements.
 */
export function preparingRepeatedStatements<T extends postgres.Sql>(client: T, preparation = new StatementPreparation()): T {
  return wrap(client, preparation);
}

function wrap<T extends object>(client: T, preparation: StatementPreparation): T {
  return new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === 'unsafe') {
        const unsafe = value as Unsafe;
        return ((text: string, parameters?: unknown[], options?: { prepare?: boolean }) =>
          unsafe.call(target, text, parameters as never, {
            ...options,
            prepare: parameters !== undefined && parameters.length > 0 ? preparation.shouldPrepare(text) : options?.prepare,
          })) as Unsafe;
      }
      if (property === 'begin' || property === 'savepoint') {
        const scoped = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const work = args.pop() as (client: object) => unknown;
          return scoped.call(target, ...args, (inner: object) => work(wrap(inner, preparation)));
        };
      }
      return typeof value === 'function' && property !== 'constructor' ? value.bind(target) : value;
    },
  });
}
