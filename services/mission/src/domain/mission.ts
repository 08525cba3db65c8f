import { MissionAlreadyRewardedError } from './mission-errors.js';

export type MissionStatus = 'achieved' | 'rewarded';

export interface MissionState {
  readonly id: string;
  readonly customerId: string;
  /** The game event the mission belongs to. */
  readonly eventCode: string;
  readonly missionCode: string;
  readonly status: MissionStatus;
  /** The reward issued for this mission: the correlation between the two services. */
  readonly rewardId?: string;
  readonly achievedAt: Date;
  readonly rewardedAt?: Date;
}

export type MissionEvent =
  | { readonly type: 'mission-achieved'; readonly mission: MissionState }
  | { readonly type: 'mission-rewarded'; readonly mission: MissionState };

/** The events that tell a mission's current state, as they were raised: its snapshot. */
export function eventsStating(state: MissionState): MissionEvent[] {
  const achieved: MissionEvent = { type: 'mission-achieved', mission: state };
  return state.rewardId ? [achieved, { type: 'mission-rewarded', mission: state }] : [achieved];
}

/**
 * A mission a customer achieved. Achieved once per customer, event and mission code; it then
 * waits for its reward, and records the reward's id when the reward service issues it.
 */
export class Mission {
  private pending: MissionEvent[] = [];

  private constructor(private current: MissionState) {}

  static achieve(props: { id: string; customerId: string; eventCode: string; missionCode: string; at: Date }): Mission {
    const mission = new Mission({ ...props, status: 'achieved', achievedAt: props.at });
    mission.pending.push({ type: 'mission-achieved', mission: mission.current });
    return mission;
  }

  static restore(state: MissionState): Mission {
    return new Mission(state);
  }

  get state(): MissionState {
    return this.current;
  }

  /** Idempotent for the same reward; a second, different reward breaks "one reward per mission". */
  recordReward(rewardId: string, at: Date): void {
    if (this.current.rewardId === rewardId) return;
    if (this.current.status === 'rewarded') throw new MissionAlreadyRewardedError(this.current.id, this.current.rewardId ?? '');
    this.current = { ...this.current, status: 'rewarded', rewardId, rewardedAt: at };
    this.pending.push({ type: 'mission-rewarded', mission: this.current });
  }

  /** Events raised since the last call; the repository writes them to the outbox with the change. */
  pullEvents(): MissionEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
