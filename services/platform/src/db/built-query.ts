import { type Column, type DriverValueEncoder, is, Param, Placeholder, type Query, type SQL, sql } from 'drizzle-orm';
import type { PgSession } from 'drizzle-orm/pg-core';
import type { Executor } from './database.js';

/** What drizzle's `.prepare()` hands back: the built query, run with its placeholders filled in. */
interface Prepared<R> {
  execute(placeholders: Record<string, unknown>): Promise<R>;
}

/** A query builder of drizzle's (select, insert, update) that can be `.prepare(name)`d. */
interface Preparable<R> {
  prepare(name: string): Prepared<R>;
}

type PrepareArguments = Parameters<PgSession['prepareQuery']>;

/**
 * A hot statement whose SQL is built once per process, run on any executor: the database, or a
 * transaction. drizzle builds a statement's SQL from its table, column and operator objects on
 * every call (walking them through `is()`): in a CPU profile of bench:exchange that was the
 * largest library cost, about an eighth of the busy time, mostly the saves of the exchange's
 * transactions. A prepared query (`.prepare(name)` with `sql.placeholder`s) keeps the built SQL,
 * but drizzle binds it to the executor it was built on, and a transaction lives for a few
 * statements only.
 *
 * So the builder runs once, against a session that records what the builder hands
 * `PgSession.prepareQuery` (the built SQL, its parameters and the result's fields), and each
 * executor's own session is then handed the same: drizzle's driver (postgres-js or PGlite)
 * makes its prepared query on that executor's connection without building anything, maps the
 * result rows as usual, and encodes each placeholder's value with its column's encoder.
 */
export class BuiltQuery<R> {
  private built?: { arguments: PrepareArguments; joinsNotNullableMap?: unknown };
  private readonly bySession = new WeakMap<PgSession, Prepared<R>>();

  /** `build` makes the statement on the executor it is given, with placeholders for every value. */
  constructor(
    private readonly name: string,
    private readonly build: (executor: Executor) => Preparable<R>,
  ) {}

  run(executor: Executor, placeholders: Record<string, unknown>): Promise<R> {
    const session = sessionOf(executor);
    let prepared = this.bySession.get(session);
    if (!prepared) {
      const built = this.built ?? this.record(executor, session);
      prepared = session.prepareQuery(...built.arguments) as unknown as Prepared<R>;
      // A select's rows are mapped by which joined tables may be null (the builder sets it on
      // the query it prepared, after prepareQuery returns).
      if (built.joinsNotNullableMap) Object.assign(prepared, { joinsNotNullableMap: built.joinsNotNullableMap });
      this.bySession.set(session, prepared);
    }
    return prepared.execute(placeholders);
  }

  private record(executor: Executor, session: PgSession): NonNullable<BuiltQuery<R>['built']> {
    let recorded: PrepareArguments | undefined;
    const recorder: { joinsNotNullableMap?: unknown; setToken(): unknown } = {
      setToken: () => recorder,
    };
    const recordingSession = Object.create(session, {
      prepareQuery: {
        value: (...args: PrepareArguments) => {
          recorded = args;
          return recorder;
        },
      },
    }) as PgSession;
    // The builders take `session` from the executor they start on (db.select(), tx.update()...).
    const recordingExecutor = Object.create(executor, { session: { value: recordingSession } }) as Executor;
    this.build(recordingExecutor).prepare(this.name);
    if (!recorded) throw new Error(`BuiltQuery ${this.name}: the builder did not prepare a query`);
    const [query, ...rest] = recorded;
    this.built = { arguments: [nullPassing(query), ...rest], joinsNotNullableMap: recorder.joinsNotNullableMap };
    return this.built;
  }
}

/**
 * The query with each column-encoded placeholder letting null through: drizzle encodes a
 * placeholder's value with its column's encoder (a Date to text for a timestamp) and calls it on
 * null too, where a statement built per call would have written a literal NULL.
 */
function nullPassing(query: Query): Query {
  const params = query.params.map((param) => {
    if (!is(param, Param) || !is(param.value, Placeholder)) return param;
    const encoder = param.encoder as DriverValueEncoder<unknown, unknown>;
    return new Param(param.value, {
      mapToDriverValue: (value: unknown) => (value === null ? null : encoder.mapToDriverValue(value)),
    });
  });
  return { ...query, params };
}

/** The session an executor runs its statements on (drizzle's public `_.session`). */
function sessionOf(executor: Executor): PgSession {
  return (executor as unknown as { _: { session: PgSession } })._.session;
}

/**
 * A placeholder for each name, e.g. the columns an insert's `.values()` or an update's `.set()`
 * takes. Typed as SQL: drizzle's types take a placeholder in `.values()` but not in `.set()`,
 * though it runs one there the same way, encoded by its column (test/platform/built-query.test.ts).
 */
export function placeholders<K extends string>(...names: K[]): Record<K, SQL> {
  return Object.fromEntries(names.map((name) => [name, placeholder(name)])) as Record<K, SQL>;
}

/**
 * One placeholder, typed as `placeholders` types them. Given the column it is compared with (in
 * a WHERE), its value is encoded by that column, as in `.set()`: drizzle leaves a bare
 * placeholder in a condition unencoded, and the driver is set to take timestamps as text.
 */
export function placeholder(name: string, column?: Column): SQL {
  return (column ? new Param(sql.placeholder(name), column) : sql.placeholder(name)) as unknown as SQL;
}

/**
 * `column = any($name::type[])`: a list of values as one array parameter, typed as the column,
 * so the statement's text is the same for any number of them (an `IN` list's text changes with
 * its length, and each new text is built, parsed and planned anew, unprepared).
 */
export function equalsAny(column: Column, name: string): SQL {
  return sql`${column} = any(${sql.placeholder(name)}::${sql.raw(elementType(column))}[])`;
}

/** A serial column's values are of its integer type (`bigserial[]` is not a type). */
const SERIAL_TYPES: Record<string, string> = { smallserial: 'smallint', serial: 'integer', bigserial: 'bigint' };

function elementType(column: Column): string {
  const type = column.getSQLType();
  return SERIAL_TYPES[type] ?? type;
}
