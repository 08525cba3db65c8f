import { MissionNotFoundError } from '../domain/mission-errors.js';
import type { MissionRepository } from '../domain/mission-repository.js';

export interface RecordMissionRewardCommand {
  readonly missionId: string;
  readonly rewardId: string;
  readonly rewardedAt: Date;
}

/** The reward service issued missions' rewards: each mission records its reward's id. */
export class RecordMissionReward {
  constructor(private readonly deps: { missions: MissionRepository }) {}

  async execute(commands: readonly RecordMissionRewardCommand[]): Promise<void> {
    const byMission = new Map(commands.map((command) => [command.missionId, command]));
    const updated = await this.deps.missions.updateAll([...byMission.keys()], (mission) => {
      const command = byMission.get(mission.state.id) as RecordMissionRewardCommand;
      mission.recordReward(command.rewardId, command.rewardedAt);
    });
    // The reward exists only because the mission does; if it is missing here it is not yet
    // visible, so the event is retried (and dead-lettered if it never appears).
    const found = new Set(updated.map((mission) => mission.state.id));
    const missing = [...byMission.keys()].find((missionId) => !found.has(missionId));
    if (missing) throw new MissionNotFoundError(missing);
  }
}
