import type { Caller } from '#platform/auth/caller';
import { requireCode, requirePage } from '#platform/validation/request-fields';
import type { MissionState } from '../domain/mission.js';
import type { MissionRepository } from '../domain/mission-repository.js';

export interface ListMissionsQuery {
  readonly customerId: string;
  readonly pageSize: number;
  readonly pageToken: string;
}

/** A customer's missions, newest first, a page at a time. */
export class ListMissions {
  constructor(private readonly deps: { missions: MissionRepository }) {}

  async execute(query: ListMissionsQuery, caller: Caller): Promise<{ missions: MissionState[]; nextBefore?: number }> {
    const customerId = requireCode('customer_id', query.customerId);
    caller.requireActsFor('customer_id', customerId);
    const page = requirePage(query.pageSize, query.pageToken);
    const result = await this.deps.missions.listByCustomer(customerId, page);
    return { missions: result.missions.map((mission) => mission.state), nextBefore: result.nextBefore };
  }
}
