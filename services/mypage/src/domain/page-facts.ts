/**
 * What the events tell about a customer's page, as facts. Each fact has exactly one source
 * (an event type) and never changes once known, so the view only ever fills in blanks: any
 * arrival order, and any number of redeliveries, end in the same facts. Everything a customer
 * sees (statuses, counts, which order a reward is exchanged for) is derived from the facts by
 * pure functions (my-page.ts), never stored as a moving state that an old event could roll back.
 */
export interface MissionFacts {
  readonly eventCode?: string;
  readonly missionCode?: string;
  /** MissionAchieved. */
  readonly achievedAt?: Date;
  /** Named by RewardIssued, MissionRewarded and WalletCredited alike (one reward per mission). */
  readonly rewardId?: string;
  /** MissionRewarded. */
  readonly rewardedAt?: Date;
}

export interface RewardFacts {
  readonly missionId?: string;
  /** RewardIssued. */
  readonly issuedAt?: Date;
  /** WalletCredited: the reward landed in the wallet. */
  readonly creditedAt?: Date;
}

export interface OrderFacts {
  /** The reward paid for the order. */
  readonly rewardId?: string;
  readonly giftId?: string;
  /** GiftOrderPaid. */
  readonly giftName?: string;
  /** DeliveryStarted (one delivery per order). */
  readonly deliveryId?: string;
  /** RewardSpent: the wallet paid for the order with the reward. */
  readonly spentAt?: Date;
  /** RewardReturned: the reward is back in the wallet. */
  readonly returnedAt?: Date;
  /** GiftOrderPaid. */
  readonly paidAt?: Date;
  readonly cancelledAt?: Date;
  readonly rejectedAt?: Date;
  /** GiftOrderDelivered. */
  readonly deliveredAt?: Date;
  readonly deliveryStartedAt?: Date;
  readonly deliveryCancelledAt?: Date;
  readonly deliveryCompletedAt?: Date;
}

/** What one event adds to one customer's page. */
export interface PageChange {
  readonly customerId: string;
  /** When the event's fact happened: the page's updated_at moves up to it. */
  readonly at: Date;
  readonly missions?: readonly ({ readonly missionId: string } & MissionFacts)[];
  readonly rewards?: readonly ({ readonly rewardId: string } & RewardFacts)[];
  readonly orders?: readonly ({ readonly orderId: string } & OrderFacts)[];
}

/** Everything the view holds for one customer. */
export interface PageRecord {
  readonly customerId: string;
  readonly version: number;
  readonly updatedAt: Date;
  readonly missions: readonly ({ readonly missionId: string } & MissionFacts)[];
  readonly rewards: readonly ({ readonly rewardId: string } & RewardFacts)[];
  readonly orders: readonly ({ readonly orderId: string } & OrderFacts)[];
}

export interface PageHeader {
  readonly customerId: string;
  readonly version: number;
  readonly updatedAt: Date;
}
