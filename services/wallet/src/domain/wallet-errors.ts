import { NotFoundError } from '../../../platform/src/errors/domain-error.js';

/** No reward ever reached this customer, so there is no wallet to show. */
export class WalletNotFoundError extends NotFoundError {
  constructor(customerId: string) {
    super('WALLET_NOT_FOUND', `wallet of customer ${customerId} not found`);
  }
}
