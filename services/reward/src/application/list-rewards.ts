import type { Caller } from '#platform/auth/caller';
import { requireCode, requirePage } from '#platform/validation/request-fields';
import type { RewardState } from '../domain/reward.js';
import type { RewardRepository } from '../domain/reward-repository.js';

/** A customer's rewards, newest first, a page at a time. */
export class ListRewards {
  constructor(private readonly deps: { rewards: RewardRepository }) {}

  async execute(
    query: { customerId: string; pageSize: number; pageToken: string },
    caller: Caller,
  ): Promise<{ rewards: RewardState[]; nextBefore?: number }> {
    const customerId = requireCode('customer_id', query.customerId);
    caller.requireActsFor('customer_id', customerId);
    const result = await this.deps.rewards.listByCustomer(customerId, requirePage(query.pageSize, query.pageToken));
    return { rewards: result.rewards.map((reward) => reward.state), nextBefore: result.nextBefore };
  }
}
