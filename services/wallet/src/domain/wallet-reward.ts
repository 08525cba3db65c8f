import { ExchangeInProgressError, RewardNotAvailableError } from './wallet-errors.js';

export type WalletRewardStatus = 'available' | 'held' | 'spent';

export interface WalletRewardState {
  readonly rewardId: string;
  readonly customerId: string;
  readonly missionId: string;
  readonly status: WalletRewardStatus;
  /** The gift order the reward is held for or was spent on. */
  readonly orderId?: string;
  readonly addedAt: Date;
}

export type WalletRewardEvent =
  | { readonly type: 'wallet-credited'; readonly reward: WalletRewardState }
  | { readonly type: 'reward-spent'; readonly reward: WalletRewardState; readonly giftId: string; readonly at: Date }
  | {
      readonly type: 'reward-returned';
      readonly reward: WalletRewardState;
      readonly orderId: string;
      readonly reason: string;
      readonly at: Date;
    };

/** One payment made with a reward, and its return if the order fell through. */
export interface RewardPaymentState {
  readonly orderId: string;
  readonly giftId: string;
  readonly spentAt: Date;
  readonly returnedAt?: Date;
  readonly returnReason?: string;
}

/** The events that tell a reward's arrival in the wallet: its snapshot. */
export function eventsStating(reward: WalletRewardState): WalletRewardEvent[] {
  return [{ type: 'wallet-credited', reward }];
}

/** The events that tell one payment made with the reward, as they were raised. */
export function eventsStatingPayment(reward: WalletRewardState, payment: RewardPaymentState): WalletRewardEvent[] {
  const spent: WalletRewardEvent = {
    type: 'reward-spent',
    reward: { ...reward, status: 'spent', orderId: payment.orderId },
    giftId: payment.giftId,
    at: payment.spentAt,
  };
  if (payment.returnedAt === undefined) return [spent];
  return [
    spent,
    {
      type: 'reward-returned',
      reward: { ...reward, status: 'available', orderId: undefined },
      orderId: payment.orderId,
      reason: payment.returnReason ?? '',
      at: payment.returnedAt,
    },
  ];
}

/**
 * A reward held in a customer's wallet. Exchanging it is a small state machine:
 * available --hold--> held --spend--> spent --return--> available, and held --release--> available.
 * Holding first is what keeps one reward from paying for two gifts.
 */
export class WalletReward {
  private pending: WalletRewardEvent[] = [];

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

  /** Reserves the reward for one exchange, so no other exchange can use it meanwhile. */
  hold(orderId: string): void {
    if (this.current.status === 'held') throw new ExchangeInProgressError(this.current.rewardId);
    if (this.current.status !== 'available') throw new RewardNotAvailableError(this.current.rewardId, this.current.status);
    this.current = { ...this.current, status: 'held', orderId };
  }

  /** The exchange did not happen: the reward is usable again, exactly as before. */
  release(orderId: string): void {
    if (this.current.status !== 'held' || this.current.orderId !== orderId) return;
    this.current = { ...this.current, status: 'available', orderId: undefined };
  }

  /** The payment of the exchange: the gift order is paid with this reward. */
  spend(orderId: string, giftId: string, at: Date): void {
    if (this.current.status === 'spent' && this.current.orderId === orderId) return;
    if (this.current.status !== 'held' || this.current.orderId !== orderId) {
      throw new RewardNotAvailableError(this.current.rewardId, this.current.status);
    }
    this.current = { ...this.current, status: 'spent' };
    this.pending.push({ type: 'reward-spent', reward: this.current, giftId, at });
  }

  /** The order it paid for was cancelled or rejected: the reward comes back, usable again. */
  returnToWallet(orderId: string, reason: string, at: Date): void {
    if (this.current.status !== 'spent' || this.current.orderId !== orderId) return;
    this.current = { ...this.current, status: 'available', orderId: undefined };
    this.pending.push({ type: 'reward-returned', reward: this.current, orderId, reason, at });
  }

  pullEvents(): WalletRewardEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
