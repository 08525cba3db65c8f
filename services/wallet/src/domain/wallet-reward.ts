export type WalletRewardStatus = 'available' | 'spent';

export interface WalletRewardState {
  readonly rewardId: string;
  readonly customerId: string;
  readonly missionId: string;
  readonly status: WalletRewardStatus;
  readonly addedAt: Date;
}

export type WalletEvent = { readonly type: 'wallet-credited'; readonly reward: WalletRewardState };

/** A reward held in a customer's wallet. */
export class WalletReward {
  private pending: WalletEvent[] = [];

  private constructor(private current: WalletRewardState) {}

  /** A reward was issued to the customer: it lands in their wallet, ready to exchange. */
  static credit(props: { rewardId: string; customerId: string; missionId: string; at: Date }): WalletReward {
    const reward = new WalletReward({ ...props, status: 'available', addedAt: props.at });
    reward.pending.push({ type: 'wallet-credited', reward: reward.current });
    return reward;
  }

  static restore(state: WalletRewardState): WalletReward {
    return new WalletReward(state);
  }

  get state(): WalletRewardState {
    return this.current;
  }

  pullEvents(): WalletEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
