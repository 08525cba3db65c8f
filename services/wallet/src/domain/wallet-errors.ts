import { DomainError, NotFoundError } from '#platform/errors/domain-error';

/** No reward ever reached this customer, so there is no wallet to show. */
export class WalletNotFoundError extends NotFoundError {
  constructor(customerId: string) {
    super('WALLET_NOT_FOUND', `wallet of customer ${customerId} not found`);
  }
}

export class RewardNotInWalletError extends NotFoundError {
  constructor(customerId: string, rewardId: string) {
    super('REWARD_NOT_IN_WALLET', `reward ${rewardId} is not in the wallet of customer ${customerId}`);
  }
}

export class RewardNotAvailableError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  readonly code = 'REWARD_NOT_AVAILABLE';
  constructor(rewardId: string, status: string) {
    super(`reward ${rewardId} cannot be exchanged: it is ${status}`);
  }
}

/** Another exchange of the same reward is being processed right now. */
export class ExchangeInProgressError extends DomainError {
  readonly kind = 'aborted' as const;
  readonly code = 'EXCHANGE_IN_PROGRESS';
  constructor(rewardId: string) {
    super(`an exchange of reward ${rewardId} is in progress; try again in a moment`);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(key: string) {
    super(`idempotency_key ${key} was already used for a different exchange`);
  }
}
