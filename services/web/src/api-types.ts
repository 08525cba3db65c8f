/**
 * The JSON the page reads, as the REST edge prints it (proto3 JSON: lowerCamel names, enums by
 * name, int64 and timestamps as strings). Generated from proto/ by the second ts-proto run in
 * proto/buf.gen.yaml (useJsonWireFormat); only renamed here.
 */
export type { Gift, GiftOrder } from '#contracts/generated/json/game/gift/v1/gift_service';
export type { Mission } from '#contracts/generated/json/game/mission/v1/mission_service';
export type {
  DeliveryStatus,
  MissionEntry,
  MissionStatus,
  MyPage,
  OrderEntry,
  OrderStatus,
  RewardEntry,
  RewardStatus,
  WalletStatus,
} from '#contracts/generated/json/game/mypage/v1/mypage_service';
export type {
  ListNotificationsResponse as NotificationList,
  Notification,
} from '#contracts/generated/json/game/notification/v1/notification_service';
export type { Exchange } from '#contracts/generated/json/game/wallet/v1/wallet_service';
