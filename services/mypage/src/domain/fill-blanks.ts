import type { PageChange, PageRecord } from './page-facts.js';

/** A page after a run of changes, and the rows they created or filled (the rows to write). */
export interface FilledPage {
  readonly record: PageRecord;
  readonly filled: Pick<PageRecord, 'missions' | 'rewards' | 'orders'>;
}

/**
 * Applies one customer's changes, in the order their events came, to their page. A change
 * only fills facts still unknown (a known fact can only be the same value, so it is never
 * overwritten) and counts only if it created a row or filled a blank: the version goes up by one
 * and updated_at up to its time. So a fact told twice, by a redelivery or by two events, changes
 * nothing the second time. Undefined if no change told anything new.
 */
export function fillBlanks(page: PageRecord, changes: readonly PageChange[]): FilledPage | undefined {
  const missions = new FactRows(page.missions, 'missionId');
  const rewards = new FactRows(page.rewards, 'rewardId');
  const orders = new FactRows(page.orders, 'orderId');
  let { version, updatedAt } = page;
  for (const change of changes) {
    // Every table is offered the change (no short circuit): each may have blanks it fills.
    const told = [missions.fill(change.missions), rewards.fill(change.rewards), orders.fill(change.orders)].includes(true);
    if (!told) continue;
    version += 1;
    if (change.at > updatedAt) updatedAt = change.at;
  }
  if (version === page.version) return undefined;
  return {
    record: { customerId: page.customerId, version, updatedAt, missions: missions.rows(), rewards: rewards.rows(), orders: orders.rows() },
    filled: { missions: missions.filledRows(), rewards: rewards.filledRows(), orders: orders.filledRows() },
  };
}

/** One fact table of a page: its rows by id, and which of them were created or filled. */
class FactRows<Row extends object> {
  private readonly byId: Map<string, Row>;
  private readonly filled = new Set<string>();

  constructor(
    known: readonly Row[],
    private readonly key: keyof Row & string,
  ) {
    this.byId = new Map(known.map((row) => [this.idOf(row), row]));
  }

  /** Creates each row told, or fills the facts it does not know yet; whether it did any. */
  fill(told: readonly Row[] | undefined): boolean {
    let any = false;
    for (const row of told ?? []) {
      const id = this.idOf(row);
      const known = this.byId.get(id);
      const blanks = Object.entries(row).filter(([fact, value]) => value !== undefined && known?.[fact as keyof Row] === undefined);
      if (known && blanks.length === 0) continue;
      this.byId.set(id, { ...known, ...Object.fromEntries(blanks) } as Row);
      this.filled.add(id);
      any = true;
    }
    return any;
  }

  rows(): Row[] {
    return [...this.byId.values()];
  }

  filledRows(): Row[] {
    return [...this.filled].map((id) => this.byId.get(id) as Row);
  }

  private idOf(row: Row): string {
    return row[this.key] as string;
  }
}
