export type RewardStatus = 'issued' | 'exchanged';

export interface RewardState {
  readonly id: string;
  /** The mission the reward was issued for: one reward per mission. */
  readonly missionId: string;
  readonly customerId: string;
  readonly status: RewardStatus;
  readonly issuedAt: Date;
  /** The gift order the reward was exchanged for. */
  readonly orderId?: string;
}

export type RewardEvent = { readonly type: 'reward-issued'; readonly reward: RewardState };

/** The events that tell a reward's current state: its snapshot. */
export function eventsStating(state: RewardState): RewardEvent[] {
  return [{ type: 'reward-issued', reward: state }];
}

/** A reward earned by achieving a mission; it lands in the customer's wallet. */
export class Reward {
  private pending: RewardEvent[] = [];

  private constructor(private current: RewardState) {}

  static issue(props: { id: string; missionId: string; customerId: string; at: Date }): Reward {
    const reward = new Reward({
      id: props.id,
      missionId: props.missionId,
      customerId: props.customerId,
      status: 'issued',
      issuedAt: props.at,
    });
    reward.pending.push({ type: 'reward-issued', reward: reward.current });
    return reward;
  }

  static restore(state: RewardState): Reward {
    return new Reward(state);
  }

  get state(): RewardState {
    return this.current;
  }

  /** The wallet spent the reward on a gift order (docs/requirements.md, seed 000 req. 5). Repeats change nothing. */
  markExchanged(orderId: string): void {
    if (this.current.status === 'exchanged') return;
    this.current = { ...this.current, status: 'exchanged', orderId };
  }

  /** The order was cancelled or rejected and the reward is back in the wallet. */
  markReturned(orderId: string): void {
    if (this.current.status !== 'exchanged' || this.current.orderId !== orderId) return;
    this.current = { ...this.current, status: 'issued', orderId: undefined };
  }

  pullEvents(): RewardEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
