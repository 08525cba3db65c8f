import { NotFoundError } from '#platform/errors/domain-error';

export class RewardNotFoundError extends NotFoundError {
  constructor(rewardId: string) {
    super('REWARD_NOT_FOUND', `reward ${rewardId} not found`);
  }
}
