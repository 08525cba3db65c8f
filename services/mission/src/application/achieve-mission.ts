import { requireCode } from '#platform/validation/request-fields';
import { Mission, type MissionState } from '../domain/mission.js';
import { MissionAlreadyAchievedError } from '../domain/mission-errors.js';
import type { MissionRepository } from '../domain/mission-repository.js';

export interface AchieveMissionCommand {
  readonly customerId: string;
  readonly eventCode: string;
  readonly missionCode: string;
}

/** A customer achieves a mission; MissionAchieved is announced with the same commit. */
export class AchieveMission {
  constructor(private readonly deps: { missions: MissionRepository; newId: () => string; now: () => Date }) {}

  async execute(command: AchieveMissionCommand): Promise<MissionState> {
    const customerId = requireCode('customer_id', command.customerId);
    const eventCode = requireCode('event_code', command.eventCode);
    const missionCode = requireCode('mission_code', command.missionCode);
    const mission = Mission.achieve({ id: this.deps.newId(), customerId, eventCode, missionCode, at: this.deps.now() });
    if (!(await this.deps.missions.add(mission))) throw new MissionAlreadyAchievedError(customerId, eventCode, missionCode);
    return mission.state;
  }
}
