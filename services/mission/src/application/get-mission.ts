import { requireUuid } from '../../../platform/src/validation/request-fields.js';
import type { MissionState } from '../domain/mission.js';
import { MissionNotFoundError } from '../domain/mission-errors.js';
import type { MissionRepository } from '../domain/mission-repository.js';

export class GetMission {
  constructor(private readonly deps: { missions: MissionRepository }) {}

  async execute(query: { missionId: string }): Promise<MissionState> {
    const missionId = requireUuid('mission_id', query.missionId);
    const mission = await this.deps.missions.findById(missionId);
    if (!mission) throw new MissionNotFoundError(missionId);
    return mission.state;
  }
}
