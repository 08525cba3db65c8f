import type { Caller } from '#platform/auth/caller';
import { InvalidArgumentError } from '#platform/errors/domain-error';
import { requireCode } from '#platform/validation/request-fields';
import { emptyMyPage, type MyPage } from '../domain/my-page.js';
import type { MyPageView } from '../domain/my-page-view.js';
import type { PageHeader } from '../domain/page-facts.js';

export type MyPageAnswer = { readonly unchanged: false; readonly page: MyPage } | { readonly unchanged: true; readonly header: PageHeader };

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
      if (header && header.version === query.knownVersion) return { unchanged: true, header };
    }
    const page = await this.deps.view.page(customerId);
    return { unchanged: false, page: page ?? emptyMyPage(customerId) };
  }
}
