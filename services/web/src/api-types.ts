/**
 * The JSON the page reads, as the REST edge prints it (proto3 JSON: lowerCamel names, enums
 * by name, int64 as strings, timestamps as RFC 3339). Only the fields the page uses.
 */

export type MissionStatus = 'MISSION_STATUS_UNSPECIFIED' | 'MISSION_STATUS_ACHIEVED' | 'MISSION_STATUS_REWARDED';
export type WalletStatus = 'WALLET_STATUS_UNSPECIFIED' | 'WALLET_STATUS_PENDING' | 'WALLET_STATUS_AVAILABLE' | 'WALLET_STATUS_SPENT';
export type RewardStatus = 'REWARD_STATUS_UNSPECIFIED' | 'REWARD_STATUS_ISSUED' | 'REWARD_STATUS_EXCHANGED';
export type OrderStatus =
  | 'ORDER_STATUS_UNSPECIFIED'
  | 'ORDER_STATUS_PAID'
  | 'ORDER_STATUS_SHIPPING'
  | 'ORDER_STATUS_DELIVERED'
  | 'ORDER_STATUS_CANCELLED'
  | 'ORDER_STATUS_REJECTED';
export type DeliveryStatus = 'DELIVERY_STATUS_UNSPECIFIED' | 'DELIVERY_STATUS_STARTED' | 'DELIVERY_STATUS_DELIVERED' | 'DELIVERY_STATUS_CANCELLED';

export interface MissionEntry {
  missionId: string;
  eventCode: string;
  missionCode: string;
  status: MissionStatus;
  rewardId: string;
  achievedAt?: string;
  rewardedAt?: string;
}

export interface OrderEntry {
  orderId: string;
  rewardId: string;
  giftId: string;
  giftName: string;
  status: OrderStatus;
  deliveryId: string;
  deliveryStatus: DeliveryStatus;
  placedAt?: string;
  updatedAt?: string;
}

export interface RewardEntry {
  rewardId: string;
  missionId: string;
  eventCode: string;
  missionCode: string;
  walletStatus: WalletStatus;
  rewardStatus: RewardStatus;
  issuedAt?: string;
  creditedAt?: string;
  order?: OrderEntry;
}

export interface MyPage {
  customerId: string;
  /** int64: a string in proto3 JSON. */
  version: string;
  updatedAt?: string;
  unchanged: boolean;
  counts?: { missionsAchieved: number; rewardsAvailable: number; rewardsExchanged: number; ordersOpen: number };
  missions: MissionEntry[];
  rewards: RewardEntry[];
  orders: OrderEntry[];
}

export interface Gift {
  giftId: string;
  name: string;
  stockCount: number;
  reservedCount: number;
  availableCount: number;
}

export interface Mission {
  missionId: string;
  missionCode: string;
  status: MissionStatus;
}

export interface Exchange {
  idempotencyKey: string;
  rewardId: string;
  giftId: string;
  orderId: string;
  status: 'EXCHANGE_STATUS_UNSPECIFIED' | 'EXCHANGE_STATUS_PENDING' | 'EXCHANGE_STATUS_COMPLETED' | 'EXCHANGE_STATUS_FAILED';
}

export interface GiftOrder {
  orderId: string;
  status: string;
}

export interface Notification {
  notificationId: string;
  kind: string;
  text: string;
  subjectId: string;
  createdAt?: string;
  read: boolean;
}

export interface NotificationList {
  notifications: Notification[];
  unreadCount: number;
}
