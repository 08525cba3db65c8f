import type { MissionFacts, OrderFacts, PageRecord, RewardFacts } from './page-facts.js';

export type MissionStatus = 'achieved' | 'rewarded';
export type WalletStatus = 'pending' | 'available' | 'spent';
export type RewardStatus = 'issued' | 'exchanged';
export type OrderStatus = 'paid' | 'shipping' | 'delivered' | 'cancelled' | 'rejected';
export type DeliveryStatus = 'started' | 'delivered' | 'cancelled';

export interface MissionEntry {
  readonly missionId: string;
  readonly eventCode?: string;
  readonly missionCode?: string;
  readonly status: MissionStatus;
  readonly rewardId?: string;
  readonly achievedAt?: Date;
  readonly rewardedAt?: Date;
}

export interface OrderEntry {
  readonly orderId: string;
  readonly rewardId?: string;
  readonly giftId?: string;
  readonly giftName?: string;
  /** Undefined while the only facts known are about the reward coming back. */
  readonly status?: OrderStatus;
  readonly deliveryId?: string;
  /** Undefined: no delivery yet. */
  readonly deliveryStatus?: DeliveryStatus;
  readonly placedAt?: Date;
  readonly updatedAt?: Date;
}

export interface RewardEntry {
  readonly rewardId: string;
  readonly missionId?: string;
  readonly eventCode?: string;
  readonly missionCode?: string;
  readonly walletStatus: WalletStatus;
  readonly rewardStatus: RewardStatus;
  readonly issuedAt?: Date;
  readonly creditedAt?: Date;
  /** The order it is exchanged for, else its latest cancelled or rejected one. */
  readonly order?: OrderEntry;
}

export interface MyPageCounts {
  readonly missionsAchieved: number;
  readonly rewardsAvailable: number;
  readonly rewardsExchanged: number;
  readonly ordersOpen: number;
}

export interface MyPage {
  readonly customerId: string;
  /** 0 for a customer nothing has happened to yet. */
  readonly version: number;
  /** Absent while nothing has happened to the customer. */
  readonly updatedAt?: Date;
  readonly counts: MyPageCounts;
  /** Newest first. */
  readonly missions: readonly MissionEntry[];
  readonly rewards: readonly RewardEntry[];
  readonly orders: readonly OrderEntry[];
}

/** The page of a customer no event mentioned yet: nothing to show, which is not an error. */
export function emptyMyPage(customerId: string): MyPage {
  return {
    customerId,
    version: 0,
    counts: { missionsAchieved: 0, rewardsAvailable: 0, rewardsExchanged: 0, ordersOpen: 0 },
    missions: [],
    rewards: [],
    orders: [],
  };
}

/**
 * The customer's page from the facts the events gave. Pure and deterministic: the same facts
 * give the same page whatever order they arrived in. Lists are newest first, ties broken by id.
 */
export function assembleMyPage(record: PageRecord): MyPage {
  const missions = record.missions.map(toMissionEntry).sort(
    newestFirst(
      (m) => firstOf(m.achievedAt, m.rewardedAt),
      (m) => m.missionId,
    ),
  );
  const missionById = new Map(missions.map((mission) => [mission.missionId, mission]));
  const orders = record.orders.map(toOrderEntry).sort(
    newestFirst(
      (o) => o.placedAt,
      (o) => o.orderId,
    ),
  );
  const rewardOrders = record.orders.filter((order) => order.rewardId !== undefined);
  const rewards = record.rewards
    .map((reward) =>
      toRewardEntry(
        reward,
        missionById.get(reward.missionId ?? ''),
        rewardOrders.filter((order) => order.rewardId === reward.rewardId),
      ),
    )
    .sort(
      newestFirst(
        (r) => firstOf(r.issuedAt, r.creditedAt),
        (r) => r.rewardId,
      ),
    );
  return {
    customerId: record.customerId,
    version: record.version,
    updatedAt: record.updatedAt,
    counts: {
      // Only an achieved mission has a row: events about its reward imply it was achieved.
      missionsAchieved: missions.length,
      rewardsAvailable: rewards.filter((reward) => reward.walletStatus === 'available').length,
      rewardsExchanged: rewards.filter((reward) => reward.rewardStatus === 'exchanged').length,
      ordersOpen: orders.filter((order) => order.status === 'paid' || order.status === 'shipping').length,
    },
    missions,
    rewards,
    orders,
  };
}

function toMissionEntry(mission: { missionId: string } & MissionFacts): MissionEntry {
  return { ...mission, status: mission.rewardId ? 'rewarded' : 'achieved' };
}

/**
 * An order's status from what is known about it. The end states exclude each other (the gift
 * shop refuses to cancel a delivered order, delivery refuses to complete a cancelled one), so
 * whichever is known wins over the states on the way there.
 */
export function orderStatus(order: OrderFacts): OrderStatus | undefined {
  if (order.deliveredAt || order.deliveryCompletedAt) return 'delivered';
  if (order.cancelledAt) return 'cancelled';
  if (order.rejectedAt) return 'rejected';
  if (order.deliveryStartedAt) return 'shipping';
  if (order.paidAt || order.spentAt) return 'paid';
  return undefined;
}

export function deliveryStatus(order: OrderFacts): DeliveryStatus | undefined {
  if (order.deliveryCancelledAt) return 'cancelled';
  if (order.deliveryCompletedAt || order.deliveredAt) return 'delivered';
  if (order.deliveryStartedAt) return 'started';
  return undefined;
}

function toOrderEntry(order: { orderId: string } & OrderFacts): OrderEntry {
  const times = [
    order.spentAt,
    order.paidAt,
    order.deliveryStartedAt,
    order.returnedAt,
    order.cancelledAt,
    order.rejectedAt,
    order.deliveredAt,
    order.deliveryCancelledAt,
    order.deliveryCompletedAt,
  ].filter((at): at is Date => at !== undefined);
  return {
    orderId: order.orderId,
    rewardId: order.rewardId,
    giftId: order.giftId,
    giftName: order.giftName,
    status: orderStatus(order),
    deliveryId: order.deliveryId,
    deliveryStatus: deliveryStatus(order),
    // The spend is the first thing that happens to an order; until it is known, the earliest fact.
    placedAt: order.spentAt ?? order.paidAt ?? earliest(times),
    updatedAt: latest(times),
  };
}

/** Spent on the order (the wallet's or the gift shop's word for it) and not given back. */
function holdsReward(order: OrderFacts): boolean {
  return (order.spentAt !== undefined || order.paidAt !== undefined) && order.returnedAt === undefined;
}

function toRewardEntry(
  reward: { rewardId: string } & RewardFacts,
  mission: MissionEntry | undefined,
  orders: readonly ({ orderId: string } & OrderFacts)[],
): RewardEntry {
  const byNewest = [...orders]
    .map((order) => ({ facts: order, entry: toOrderEntry(order) }))
    .sort(
      newestFirst(
        (o) => o.entry.placedAt,
        (o) => o.entry.orderId,
      ),
    );
  const current = byNewest.find((order) => holdsReward(order.facts));
  const shown = current ?? byNewest[0];
  // An order can only have been paid with a reward that was in the wallet.
  const inWallet = reward.creditedAt !== undefined || orders.length > 0;
  return {
    rewardId: reward.rewardId,
    missionId: reward.missionId,
    eventCode: mission?.eventCode,
    missionCode: mission?.missionCode,
    walletStatus: current ? 'spent' : inWallet ? 'available' : 'pending',
    rewardStatus: current ? 'exchanged' : 'issued',
    issuedAt: reward.issuedAt,
    creditedAt: reward.creditedAt,
    order: shown?.entry,
  };
}

function firstOf(...dates: (Date | undefined)[]): Date | undefined {
  return dates.find((date) => date !== undefined);
}

function earliest(dates: readonly Date[]): Date | undefined {
  return dates.length === 0 ? undefined : new Date(Math.min(...dates.map((date) => date.getTime())));
}

function latest(dates: readonly Date[]): Date | undefined {
  return dates.length === 0 ? undefined : new Date(Math.max(...dates.map((date) => date.getTime())));
}

/** Descending by time (unknown last), then ascending by id, so equal facts sort the same way. */
function newestFirst<T>(time: (item: T) => Date | undefined, id: (item: T) => string) {
  return (a: T, b: T): number => {
    const ta = time(a)?.getTime() ?? Number.NEGATIVE_INFINITY;
    const tb = time(b)?.getTime() ?? Number.NEGATIVE_INFINITY;
    if (ta !== tb) return tb - ta;
    return id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0;
  };
}
