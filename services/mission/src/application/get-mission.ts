import type { Caller } from '#platform/auth/caller';
import { requireUuid } from '#platform/validation/request-fields';
import type { MissionState } from '../domain/mission.js';
import { MissionNotFoundError } from '../domain/mission-errors.js';
import type { MissionRepository } from '../domain/mission-repository.js';

export class GetMission {
  constructor(private readonly deps: { missions: MissionRepository }) {}

  /** Someone else's mission is NOT_FOUND to a player, so ids do not leak. */
  async execute(query: { missionId: string }, caller: Caller): Promise<MissionState> {
    const missionId = requireUuid('mission_id', query.missionId);
    const mission = await this.deps.missions.findById(missionId);
    if (!mission || !caller.mayActFor(mission.state.customerId)) throw new MissionNotFoundError(missionId);
    return mission.state;
  }
}
