import { MissionNotFoundError } from '../domain/mission-errors.js';
import type { MissionRepository } from '../domain/mission-repository.js';

export interface RecordMissionRewardCommand {
  readonly missionId: string;
  readonly rewardId: string;
  readonly rewardedAt: Date;
}

/** The reward service issued the mission's reward: the mission records its id. */
export class RecordMissionReward {
  constructor(private readonly deps: { missions: MissionRepository }) {}

  async execute(command: RecordMissionRewardCommand): Promise<void> {
    const updated = await this.deps.missions.update(command.missionId, (mission) =>
      mission.recordReward(command.rewardId, command.rewardedAt),
    );
    // The reward exists only because the mission does; if it is missing here it is not yet
    // visible, so the event is retried (and dead-lettered if it never appears).
    if (!updated) throw new MissionNotFoundError(command.missionId);
  }
}
