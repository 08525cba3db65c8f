import type { Caller } from '#platform/auth/caller';
import { InvalidArgumentError } from '#platform/errors/domain-error';
import { requireCode } from '#platform/validation/request-fields';
import { emptyMyPage, type MyPage } from '../domain/my-page.js';
import type { MyPageView } from '../domain/my-page-view.js';
import type { PageHeader } from '../domain/page-facts.js';

export type MyPageAnswer =
  /** The page as stored: already the encoded answer. */
  | { readonly kind: 'stored'; readonly encoded: Uint8Array }
  /** A page no event stored yet (a customer no event mentioned: the empty page). */
  | { readonly kind: 'page'; readonly page: MyPage }
  /** The version the client passed is still current: only the header. */
  | { readonly kind: 'unchanged'; readonly header: PageHeader };

/**
 * A customer's page (an empty one, version 0, before any event mentioned them). A client that passes the version it already shows gets only the header
 * back while that version is current: one primary-key read, so polling is cheap.
 */
export class GetMyPage {
  constructor(private readonly deps: { view: MyPageView }) {}

  async execute(query: { customerId: string; knownVersion: number }, caller: Caller): Promise<MyPageAnswer> {
    const customerId = requireCode('customer_id', query.customerId);
    caller.requireActsFor('customer_id', customerId);
    if (!Number.isSafeInteger(query.knownVersion) || query.knownVersion < 0)
      throw new InvalidArgumentError('known_version', 'must be 0 or a version from a previous answer');
    if (query.knownVersion > 0) {
      const header = await this.deps.view.header(customerId);
      if (header && header.version === query.knownVersion) return { kind: 'unchanged', header };
    }
    const encoded = await this.deps.view.storedPage(customerId);
    return encoded ? { kind: 'stored', encoded } : { kind: 'page', page: emptyMyPage(customerId) };
  }
}
