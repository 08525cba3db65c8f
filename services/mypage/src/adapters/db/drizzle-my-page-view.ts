import { count, eq, getTableColumns, inArray, isNull, or, type SQL, sql, sum } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type Transaction } from '#platform/db/database';
import { PreparedRead } from '#platform/db/prepared-read';
import type { TransactionScope } from '#platform/db/transaction-scope';
import { assembleMyPage } from '../../domain/my-page.js';
import type { MyPageView, ViewStatus } from '../../domain/my-page-view.js';
import type { PageChange, PageHeader, PageRecord } from '../../domain/page-facts.js';
import { encodeMyPage } from '../grpc/my-page-message.js';
import { inboxEvents, missions, orders, pages, rewards } from './mypage-schema.js';

/**
 * The view in Postgres. Each fact is written with `coalesce(current, new)` and only where the
 * current value is still null, so an upsert reports a change only when it filled a blank; the
 * page's version goes up once per event that did. An event is one statement (its upserts as
 * data-modifying CTEs plus the version bump): one round trip per event in the consumer's batch.
 * The pages the batch changed are then assembled once each and stored on their header row,
 * encoded as the GetMyPage answer (storePages), so a read is one primary-key lookup whose bytes
 * are sent as they are.
 */
export class DrizzleMyPageView implements MyPageView {
  constructor(private readonly scope: TransactionScope) {}

  async record(change: PageChange): Promise<boolean> {
    const { customerId } = change;
    return this.scope.write(async (tx) => {
      const fills = [
        ...(change.missions ?? []).map((mission) =>
          fill(tx, missions, [missions.customerId, missions.missionId], { customerId, ...mission }),
        ),
        ...(change.rewards ?? []).map((reward) => fill(tx, rewards, [rewards.customerId, rewards.rewardId], { customerId, ...reward })),
        ...(change.orders ?? []).map((order) => fill(tx, orders, [orders.customerId, orders.orderId], { customerId, ...order })),
      ];
      if (fills.length === 0) return false;
      // One statement, one round trip: every fill is a data-modifying CTE, and the page's
      // version goes up only if one of them stored something.
      const steps = sql.join(
        fills.map((query, i) => sql`${sql.identifier(`fill${i}`)} as (${query})`),
        sql`, `,
      );
      const stored = sql.join(
        fills.map((_, i) => sql`select 1 from ${sql.identifier(`fill${i}`)}`),
        sql` union all `,
      );
      const bumped = await tx.execute(sql`with ${steps}
        insert into ${pages} (customer_id, version, updated_at)
        select ${customerId}::text, 1, ${change.at.toISOString()}::timestamptz where exists (${stored})
        on conflict (customer_id) do update set version = ${pages.version} + 1, updated_at = greatest(${pages.updatedAt}, excluded.updated_at)
        returning 1`);
      return rowsOf(bumped).length > 0;
    });
  }

  async storePages(customerIds: readonly string[]): Promise<void> {
    if (customerIds.length === 0) return;
    const records = await this.loadMany([...new Set(customerIds)]);
    if (records.length === 0) return;
    // Encoded once here, when the page changed, so every read sends these bytes as they are.
    const stored = records.map((record) => sql`(${record.customerId}::text, ${encodeMyPage(assembleMyPage(record))}::bytea)`);
    // The header rows are locked by this transaction's version bumps, so the version a page
    // is stored with is the one it was assembled at.
    await this.scope.reader.execute(sql`update ${pages} set page_message = stored.page
      from (values ${sql.join(stored, sql`, `)}) as stored(customer_id, page)
      where ${pages.customerId} = stored.customer_id`);
  }

  async header(customerId: string): Promise<PageHeader | undefined> {
    const [row] = await HEADER_OF_CUSTOMER.run(this.scope, { customerId });
    return row;
  }

  async storedPage(customerId: string): Promise<Uint8Array | undefined> {
    const [row] = await PAGE_OF_CUSTOMER.run(this.scope, { customerId });
    if (!row) return undefined;
    if (row.pageMessage !== null) return row.pageMessage;
    // A row from before pages were stored encoded: assembled from the facts until its next event.
    const [record] = await this.loadMany([customerId]);
    return record ? encodeMyPage(assembleMyPage(record)) : undefined;
  }

  /** Headers and facts of several customers, the header read first (a version is never newer than its facts). */
  private async loadMany(customerIds: string[]): Promise<PageRecord[]> {
    const reader = this.scope.reader;
    const headers = await reader.select(HEADER).from(pages).where(inArray(pages.customerId, customerIds));
    if (headers.length === 0) return [];
    const [missionRows, rewardRows, orderRows] = await Promise.all([
      reader.select().from(missions).where(inArray(missions.customerId, customerIds)),
      reader.select().from(rewards).where(inArray(rewards.customerId, customerIds)),
      reader.select().from(orders).where(inArray(orders.customerId, customerIds)),
    ]);
    const ofCustomer = <T extends { customerId: string }>(rows: T[], customerId: string) =>
      rows.filter((row) => row.customerId === customerId);
    return headers.map((header) => ({
      ...header,
      missions: ofCustomer(missionRows, header.customerId).map(facts),
      rewards: ofCustomer(rewardRows, header.customerId).map(facts),
      orders: ofCustomer(orderRows, header.customerId).map(facts),
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

/** GetMyPage's two reads (see PreparedRead): the header a poll compares, and the stored page. */
const HEADER_OF_CUSTOMER = new PreparedRead((executor) =>
  executor
    .select(HEADER)
    .from(pages)
    .where(eq(pages.customerId, sql.placeholder('customerId')))
    .prepare('mypage_header_of_customer'),
);
const PAGE_OF_CUSTOMER = new PreparedRead((executor) =>
  executor
    .select({ pageMessage: pages.pageMessage })
    .from(pages)
    .where(eq(pages.customerId, sql.placeholder('customerId')))
    .prepare('mypage_page_of_customer'),
);

/**
 * Inserts the row, or fills in the facts it does not know yet; returns a row only if it
 * created the row or filled a blank. A fact already known is never overwritten (it can only be
 * the same value).
 */
function fill(tx: Transaction, table: PgTable, key: PgColumn[], row: Record<string, unknown>): SQL {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keyNames = new Set(key.map((column) => column.name));
  const values = Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
  const factNames = Object.keys(values).filter((name) => !keyNames.has(columns[name].name));
  const insert = tx.insert(table).values(values);
  if (factNames.length === 0) return insert.onConflictDoNothing().returning({ one: sql`1` }).getSQL();
  const set: Record<string, SQL> = Object.fromEntries(
    factNames.map((name) => [name, sql`coalesce(${columns[name]}, excluded.${sql.identifier(columns[name].name)})`]),
  );
  return insert
    .onConflictDoUpdate({ target: key, set, setWhere: or(...factNames.map((name) => isNull(columns[name]))) })
    .returning({ one: sql`1` })
    .getSQL();
}

/** A row as facts: nulls (not known yet) become absent. */
function facts<T extends Record<string, unknown>>(row: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(row).filter(([name, value]) => value !== null && name !== 'customerId')) as never;
}
