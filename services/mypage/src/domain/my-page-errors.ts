import { NotFoundError } from '../../../platform/src/errors/domain-error.js';

/** No event ever mentioned the customer (or the view is being rebuilt and has not reached them yet). */
export class MyPageNotFoundError extends NotFoundError {
  constructor(customerId: string) {
    super('MY_PAGE_NOT_FOUND', `no page for customer ${customerId}: nothing has happened to them yet`);
  }
}
