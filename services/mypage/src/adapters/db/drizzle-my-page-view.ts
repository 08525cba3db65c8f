import { count, eq, getTableColumns, inArray, type SQL, sql, sum } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { groupBy } from '#platform/collections/group-by';
import { BuiltQuery, equalsAny } from '#platform/db/built-query';
import { rowsOf } from '#platform/db/database';
import type { TransactionScope } from '#platform/db/transaction-scope';
import type { FilledPage } from '../../domain/fill-blanks.js';
import { assembleMyPage } from '../../domain/my-page.js';
import type { MyPageView, ViewStatus } from '../../domain/my-page-view.js';
import type { PageHeader, PageRecord } from '../../domain/page-facts.js';
import { encodeMyPage } from '../grpc/my-page-message.js';
import { inboxEvents, missions, orders, pages, rewards } from './mypage-schema.js';
import type { StoredPageCache } from './stored-page-cache.js';

/**
 * The view in Postgres. A run of events is a few statements whatever its length: its pages
 * locked (an upsert in customer order, so a page no event mentioned yet is created and locked
 * like the others), their headers and facts read, then what fillBlanks made of them written:
 * the new and filled fact rows (one upsert per table, the rows as one json parameter) and each
 * page's version, time and stored answer, encoded as GetMyPage sends it (one update). A read is
 * then one primary-key lookup whose bytes are sent as they are.
 */
export class DrizzleMyPageView implements MyPageView {
  /** `cache`: the pages this replica sent, sent again while their rows are unchanged (GetMyPage's view). */
  constructor(
    private readonly scope: TransactionScope,
    private readonly cache?: StoredPageCache,
  ) {}

  async lockPages(customers: readonly { customerId: string; firstAt: Date }[]): Promise<PageRecord[]> {
    if (customers.length === 0) return [];
    const json = JSON.stringify(customers.map(({ customerId, firstAt }) => ({ customer_id: customerId, first_at: firstAt.toISOString() })));
    // The upsert returns each header as it stands, locked: an existing page unchanged, a new one
    // empty (version 0). Every change names at least one fact row, so a new page's first change
    // creates one and the page leaves this transaction at version 1 or more.
    const locked = await this.scope.write((tx) =>
      tx.execute(sql`insert into ${pages} (customer_id, version, updated_at)
        select v.customer_id, 0, v.first_at from json_to_recordset(${json}::json) as v(customer_id text, first_at timestamptz)
        order by v.customer_id
        on conflict (customer_id) do update set version = ${pages.version}
        returning customer_id, version, updated_at`),
    );
    // Raw rows: int8 and timestamptz come as the driver gives them, mapped as the columns map them.
    const headers = rowsOf<{ customer_id: string; version: string | number; updated_at: string }>(locked).map(
      (row): PageHeader => ({
        customerId: row.customer_id,
        version: Number(row.version),
        updatedAt: pages.updatedAt.mapFromDriverValue(row.updated_at) as Date,
      }),
    );
    return this.withFacts(headers);
  }

  async savePages(filledPages: readonly FilledPage[]): Promise<void> {
    if (filledPages.length === 0) return;
    /** A table's rows to write (those the changes created or filled), with their customer. */
    const written = (rowsOf: (filled: FilledPage['filled']) => readonly object[]) =>
      filledPages.flatMap(({ record, filled }) => rowsOf(filled).map((row) => ({ ...row, customerId: record.customerId })));
    // Encoded once here, when the page changed, so every read sends these bytes as they are.
    const stored = filledPages.map(
      ({ record }) =>
        sql`(${record.customerId}::text, ${record.version}::bigint, ${record.updatedAt.toISOString()}::timestamptz, ${encodeMyPage(assembleMyPage(record))}::bytea)`,
    );
    await this.scope.write(async (tx) => {
      const writes = [
        upsertMissions(written((filled) => filled.missions)),
        upsertRewards(written((filled) => filled.rewards)),
        upsertOrders(written((filled) => filled.orders)),
      ].flatMap((statement) => (statement ? [tx.execute(statement)] : []));
      // Sent together on the transaction's connection (pipelined), in this order.
      await Promise.all([
        ...writes,
        tx.execute(sql`update ${pages} set version = stored.version, updated_at = stored.updated_at, page_message = stored.page
          from (values ${sql.join(stored, sql`, `)}) as stored(customer_id, version, updated_at, page)
          where ${pages.customerId} = stored.customer_id`),
      ]);
    });
  }

  async header(customerId: string): Promise<PageHeader | undefined> {
    const [row] = await HEADER_OF_CUSTOMER.run(this.scope.reader, { customerId });
    return row;
  }

  async storedPage(customerId: string): Promise<Uint8Array | undefined> {
    const heldStamp = this.cache?.stampOf(customerId);
    const [row] = await PAGE_OF_CUSTOMER.run(this.scope.reader, { customerId, heldStamp: heldStamp ?? '' });
    if (!row) return undefined;
    if (row.unstored) {
      // A row from before pages were stored encoded: assembled from the facts until its next event.
      const [record] = await this.loadMany([customerId]);
      return record ? encodeMyPage(assembleMyPage(record)) : undefined;
    }
    if (row.pageMessage === null) {
      // Unchanged since this replica read it; a concurrent read may have replaced what it holds.
      return this.cache?.get(customerId, row.stamp) ?? new DrizzleMyPageView(this.scope).storedPage(customerId);
    }
    return this.cache?.put(customerId, row.stamp, row.pageMessage) ?? row.pageMessage;
  }

  /** Headers and facts of several customers, the header read first (a version is never newer than its facts). */
  private async loadMany(customerIds: string[]): Promise<PageRecord[]> {
    return this.withFacts(await this.scope.reader.select(HEADER).from(pages).where(inArray(pages.customerId, customerIds)));
  }

  private async withFacts(headers: readonly PageHeader[]): Promise<PageRecord[]> {
    if (headers.length === 0) return [];
    const reader = this.scope.reader;
    const customerIds = headers.map((header) => header.customerId);
    const [missionRows, rewardRows, orderRows] = await Promise.all([
      MISSIONS_OF_CUSTOMERS.run(reader, { customerIds }),
      REWARDS_OF_CUSTOMERS.run(reader, { customerIds }),
      ORDERS_OF_CUSTOMERS.run(reader, { customerIds }),
    ]);
    const ofCustomer = (row: { customerId: string }) => row.customerId;
    const [missionsOf, rewardsOf, ordersOf] = [
      groupBy(missionRows, ofCustomer),
      groupBy(rewardRows, ofCustomer),
      groupBy(orderRows, ofCustomer),
    ];
    return headers.map((header) => ({
      ...header,
      missions: (missionsOf.get(header.customerId) ?? []).map(facts),
      rewards: (rewardsOf.get(header.customerId) ?? []).map(facts),
      orders: (ordersOf.get(header.customerId) ?? []).map(facts),
    }));
  }

  async reset(): Promise<void> {
    // TRUNCATE waits for consumer transactions in flight, so none half-survives the reset.
    await this.scope.write((tx) => tx.execute(sql`truncate table ${pages}, ${missions}, ${rewards}, ${orders}, ${inboxEvents}`));
  }

  async status(): Promise<ViewStatus> {
    const reader = this.scope.reader;
    const [[applied], [view]] = await Promise.all([
      reader.select({ n: count() }).from(inboxEvents),
      reader
        .select({
          pages: count(),
          versions: sum(pages.version).mapWith(Number),
          lastEventAt: sql`max(${pages.updatedAt})`.mapWith(pages.updatedAt),
        })
        .from(pages),
    ]);
    return { eventsApplied: applied.n, pages: view.pages, versionsTotal: view.versions ?? 0, lastEventAt: view.lastEventAt ?? undefined };
  }
}

const HEADER = { customerId: pages.customerId, version: pages.version, updatedAt: pages.updatedAt };

/** GetMyPage's two reads (see BuiltQuery): the header a poll compares, and the stored page. */
const HEADER_OF_CUSTOMER = new BuiltQuery('mypage_header_of_customer', (executor) =>
  executor
    .select(HEADER)
    .from(pages)
    .where(eq(pages.customerId, sql.placeholder('customerId'))),
);
/**
 * A run's facts, by table: built once (see BuiltQuery), the customers one array parameter
 * (equalsAny), so the text is the same for any run and runs prepared.
 */
const MISSIONS_OF_CUSTOMERS = new BuiltQuery('mypage_missions_of_customers', (executor) =>
  executor.select().from(missions).where(equalsAny(missions.customerId, 'customerIds')),
);
const REWARDS_OF_CUSTOMERS = new BuiltQuery('mypage_rewards_of_customers', (executor) =>
  executor.select().from(rewards).where(equalsAny(rewards.customerId, 'customerIds')),
);
const ORDERS_OF_CUSTOMERS = new BuiltQuery('mypage_orders_of_customers', (executor) =>
  executor.select().from(orders).where(equalsAny(orders.customerId, 'customerIds')),
);

/**
 * The stored page, unless its row is still the version a replica holds (StoredPageCache): then
 * only the stamp. The stamp is the row's xmin, the id of the transaction that last wrote it: it
 * changes with every page stored, across a reset and rebuild too, and with any hand-made update
 * (Npgsql and EF Core use it as a concurrency token the same way). A CASE evaluates only the
 * branch it takes, so an unchanged page is not even read out of its TOAST table.
 */
const PAGE_OF_CUSTOMER = new BuiltQuery('mypage_page_of_customer', (executor) =>
  executor
    .select({
      stamp: sql<string>`${pages}.xmin::text`,
      pageMessage:
        sql<Uint8Array | null>`case when ${pages}.xmin::text = ${sql.placeholder('heldStamp')} then null else ${pages.pageMessage} end`.mapWith(
          pages.pageMessage,
        ),
      unstored: sql<boolean>`${pages.pageMessage} is null`,
    })
    .from(pages)
    .where(eq(pages.customerId, sql.placeholder('customerId'))),
);

/**
 * The upsert of a fact table's rows, its text built once from the table's columns (one
 * prepared statement for any number of rows). The locked page's facts were read before, so the
 * rows hold every fact; `coalesce` still keeps a fact already stored, as no fact ever changes.
 */
function factUpsert(table: PgTable, key: readonly PgColumn[]): (rows: readonly Record<string, unknown>[]) => SQL | undefined {
  const columns = Object.entries(getTableColumns(table)) as [string, PgColumn][];
  const quoted = (column: PgColumn) => `"${column.name}"`;
  const keyNames = new Set(key.map((column) => column.name));
  const list = columns.map(([, column]) => quoted(column)).join(', ');
  const head = sql.raw(`(${list}) select ${list} from json_to_recordset(`);
  const types = columns.map(([, column]) => `${quoted(column)} ${column.getSQLType()}`).join(', ');
  const fill = columns
    .filter(([, column]) => !keyNames.has(column.name))
    .map(([, column]) => `${quoted(column)} = coalesce(t.${quoted(column)}, excluded.${quoted(column)})`)
    .join(', ');
  const tail = sql.raw(`::json) as v(${types}) on conflict (${key.map(quoted).join(', ')}) do update set ${fill}`);
  return (rows) => {
    if (rows.length === 0) return undefined;
    const json = JSON.stringify(rows.map((row) => Object.fromEntries(columns.map(([field, column]) => [column.name, row[field] ?? null]))));
    return sql`insert into ${table} as t ${head}${json}${tail}`;
  };
}

const upsertMissions = factUpsert(missions, [missions.customerId, missions.missionId]);
const upsertRewards = factUpsert(rewards, [rewards.customerId, rewards.rewardId]);
const upsertOrders = factUpsert(orders, [orders.customerId, orders.orderId]);

/** A row as facts: nulls (not known yet) become absent. */
function facts<T extends Record<string, unknown>>(row: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(row).filter(([name, value]) => value !== null && name !== 'customerId')) as never;
}
