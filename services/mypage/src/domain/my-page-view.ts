import type { PageChange, PageHeader } from './page-facts.js';

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
  /**
   * Assembles these customers' pages from their facts and stores them with their versions, in
   * the transaction that recorded the changes: what storedPage() answers from then on.
   */
  storePages(customerIds: readonly string[]): Promise<void>;
  header(customerId: string): Promise<PageHeader | undefined>;
  /**
   * The stored page, as the storage keeps it: the answer already encoded for the reader, so a
   * read is one lookup and nothing is assembled, decoded or encoded per read. Undefined for a
   * customer no event mentioned.
   */
  storedPage(customerId: string): Promise<Uint8Array | undefined>;
  /** Empties the view and forgets which events were applied (before a replay). */
  reset(): Promise<void>;
  status(): Promise<ViewStatus>;
}
