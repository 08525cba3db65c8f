import {
  DeliveryStatus,
  MissionStatus,
  MyPage as MyPageCodec,
  type MyPage as MyPageMessage,
  type OrderEntry as OrderMessage,
  OrderStatus,
  RewardStatus,
  WalletStatus,
} from '#contracts/generated/game/mypage/v1/mypage_service';
import type { MyPage, OrderEntry } from '../../domain/my-page.js';

/**
 * The page as GetMyPage sends it. The projection stores it encoded (encodeMyPage) when the
 * page changes, so a read sends those bytes as they are; the gRPC adapter maps the rest (an
 * empty page, a row from before the page was stored) with toMyPageMessage.
 */
export function encodeMyPage(page: MyPage): Uint8Array {
  return MyPageCodec.encode(toMyPageMessage(page)).finish();
}

const MISSION_STATUS = { achieved: MissionStatus.MISSION_STATUS_ACHIEVED, rewarded: MissionStatus.MISSION_STATUS_REWARDED } as const;
const WALLET_STATUS = {
  pending: WalletStatus.WALLET_STATUS_PENDING,
  available: WalletStatus.WALLET_STATUS_AVAILABLE,
  spent: WalletStatus.WALLET_STATUS_SPENT,
} as const;
const REWARD_STATUS = { issued: RewardStatus.REWARD_STATUS_ISSUED, exchanged: RewardStatus.REWARD_STATUS_EXCHANGED } as const;
const ORDER_STATUS = {
  paid: OrderStatus.ORDER_STATUS_PAID,
  shipping: OrderStatus.ORDER_STATUS_SHIPPING,
  delivered: OrderStatus.ORDER_STATUS_DELIVERED,
  cancelled: OrderStatus.ORDER_STATUS_CANCELLED,
  rejected: OrderStatus.ORDER_STATUS_REJECTED,
} as const;
const DELIVERY_STATUS = {
  started: DeliveryStatus.DELIVERY_STATUS_STARTED,
  delivered: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
  cancelled: DeliveryStatus.DELIVERY_STATUS_CANCELLED,
} as const;

/** The GetMyPage answer for a page: the proto message, from the domain's page. */
export function toMyPageMessage(page: MyPage): MyPageMessage {
  return {
    customerId: page.customerId,
    version: page.version,
    updatedAt: page.updatedAt,
    unchanged: false,
    counts: { ...page.counts },
    missions: page.missions.map((mission) => ({
      missionId: mission.missionId,
      eventCode: mission.eventCode ?? '',
      missionCode: mission.missionCode ?? '',
      status: MISSION_STATUS[mission.status],
      rewardId: mission.rewardId ?? '',
      achievedAt: mission.achievedAt,
      rewardedAt: mission.rewardedAt,
    })),
    rewards: page.rewards.map((reward) => ({
      rewardId: reward.rewardId,
      missionId: reward.missionId ?? '',
      eventCode: reward.eventCode ?? '',
      missionCode: reward.missionCode ?? '',
      walletStatus: WALLET_STATUS[reward.walletStatus],
      rewardStatus: REWARD_STATUS[reward.rewardStatus],
      issuedAt: reward.issuedAt,
      creditedAt: reward.creditedAt,
      order: reward.order && toOrderMessage(reward.order),
    })),
    orders: page.orders.map(toOrderMessage),
  };
}

function toOrderMessage(order: OrderEntry): OrderMessage {
  return {
    orderId: order.orderId,
    rewardId: order.rewardId ?? '',
    giftId: order.giftId ?? '',
    giftName: order.giftName ?? '',
    status: order.status ? ORDER_STATUS[order.status] : OrderStatus.ORDER_STATUS_UNSPECIFIED,
    deliveryId: order.deliveryId ?? '',
    deliveryStatus: order.deliveryStatus ? DELIVERY_STATUS[order.deliveryStatus] : DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED,
    placedAt: order.placedAt,
    updatedAt: order.updatedAt,
  };
}
