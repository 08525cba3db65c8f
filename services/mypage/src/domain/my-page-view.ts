import type { PageChange, PageHeader, PageRecord } from './page-facts.js';

/** How far the view is: what an operator watches while it is rebuilt. */
export interface ViewStatus {
  /** Distinct events applied since the last reset. */
  readonly eventsApplied: number;
  readonly pages: number;
  /** The sum of every page's version. */
  readonly versionsTotal: number;
  readonly lastEventAt?: Date;
}

/**
 * The read model's storage port. record() only fills facts that are still unknown and bumps
 * the page's version only if it filled one, so a fact told twice (by a redelivery or by two
 * events) changes nothing the second time.
 */
export interface MyPageView {
  /** Adds what one event tells; true if the page changed. */
  record(change: PageChange): Promise<boolean>;
  header(customerId: string): Promise<PageHeader | undefined>;
  /** The header is read before the rest, so a version is never newer than the rows shown with it. */
  load(customerId: string): Promise<PageRecord | undefined>;
  /** Empties the view and forgets which events were applied (before a replay). */
  reset(): Promise<void>;
  status(): Promise<ViewStatus>;
}
