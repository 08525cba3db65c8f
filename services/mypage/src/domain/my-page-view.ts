import type { FilledPage } from './fill-blanks.js';
import type { PageHeader, PageRecord } from './page-facts.js';

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
 * The read model's storage port. A run of events is applied as: lockPages (the pages and
 * their facts, locked for the transaction), fillBlanks on each (domain), savePages (what
 * changed). Nobody else changes a locked page's facts meanwhile, so a fact told twice (by a
 * redelivery or by two events, in this run or in another replica's) changes nothing the second
 * time.
 */
export interface MyPageView {
  /**
   * These customers' pages with all their facts, locked until the transaction ends (taken in
   * customer order, so two runs never wait on each other in a circle). A customer no event
   * mentioned yet gets an empty page, version 0, dated at their first change (firstAt).
   */
  lockPages(customers: readonly { customerId: string; firstAt: Date }[]): Promise<PageRecord[]>;
  /**
   * Stores what fillBlanks made of locked pages: their new and filled fact rows, their
   * versions and times, and each page assembled and encoded as the GetMyPage answer (what
   * storedPage() answers from then on).
   */
  savePages(pages: readonly FilledPage[]): Promise<void>;
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
