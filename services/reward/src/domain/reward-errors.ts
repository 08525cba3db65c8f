import { NotFoundError } from '../../../platform/src/errors/domain-error.js';

export class RewardNotFoundError extends NotFoundError {
  constructor(rewardId: string) {
    super('REWARD_NOT_FOUND', `reward ${rewardId} not found`);
  }
}
