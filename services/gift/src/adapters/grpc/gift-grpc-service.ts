import {
  type Gift as GiftMessage,
  type GiftOrder as GiftOrderMessage,
  GiftOrderStatus,
  type GiftServiceServer,
  GiftServiceService,
} from '#contracts/generated/game/gift/v1/gift_service';
import { callerOf } from '#platform/auth/auth-interceptor';
import type { GrpcServiceBinding } from '#platform/grpc/grpc-server';
import { serviceNameOf } from '#platform/grpc/service-name';
import { unary } from '#platform/grpc/unary-handler';
import type { Logger } from '#platform/logging/logger';
import { encodePageToken } from '#platform/validation/request-fields';
import type { CancelGiftOrder } from '../../application/cancel-gift-order.js';
import type { CreateGift } from '../../application/create-gift.js';
import type { GetGift } from '../../application/get-gift.js';
import type { GetGiftOrder } from '../../application/get-gift-order.js';
import type { ListGiftOrders } from '../../application/list-gift-orders.js';
import type { ListGifts } from '../../application/list-gifts.js';
import type { ReserveGift } from '../../application/reserve-gift.js';
import type { SetGiftStock } from '../../application/set-gift-stock.js';
import { availableCount, type GiftState } from '../../domain/gift.js';
import type { GiftOrderState } from '../../domain/gift-order.js';

export interface GiftUseCases {
  createGift: CreateGift;
  setGiftStock: SetGiftStock;
  getGift: GetGift;
  listGifts: ListGifts;
  reserveGift: ReserveGift;
  getGiftOrder: GetGiftOrder;
  listGiftOrders: ListGiftOrders;
  cancelGiftOrder: CancelGiftOrder;
}

/** The gRPC inbound adapter: maps proto messages to use-case calls and back, nothing more. */
export function giftGrpcService(useCases: GiftUseCases, logger: Logger): GrpcServiceBinding {
  const implementation: GiftServiceServer = {
    createGift: unary(logger, async (request) => toGiftMessage(await useCases.createGift.execute(request))),
    setGiftStock: unary(logger, async (request) => toGiftMessage(await useCases.setGiftStock.execute(request))),
    getGift: unary(logger, async (request) => toGiftMessage(await useCases.getGift.execute(request))),
    listGifts: unary(logger, async (request) => {
      const page = await useCases.listGifts.execute(request);
      return { gifts: page.gifts.map(toGiftMessage), nextPageToken: page.nextBefore === undefined ? '' : encodePageToken(page.nextBefore) };
    }),
    reserveGift: unary(logger, async (request) => toOrderMessage(await useCases.reserveGift.execute(request))),
    getGiftOrder: unary(logger, async (request, call) => toOrderMessage(await useCases.getGiftOrder.execute(request, callerOf(call)))),
    listGiftOrders: unary(logger, async (request, call) => {
      const page = await useCases.listGiftOrders.execute(request, callerOf(call));
      return {
        orders: page.orders.map(toOrderMessage),
        nextPageToken: page.nextBefore === undefined ? '' : encodePageToken(page.nextBefore),
      };
    }),
    cancelGiftOrder: unary(logger, async (request, call) =>
      toOrderMessage(await useCases.cancelGiftOrder.execute(request, callerOf(call))),
    ),
  };
  return { name: serviceNameOf(GiftServiceService), definition: GiftServiceService, implementation };
}

const STATUS: Record<GiftOrderState['status'], GiftOrderStatus> = {
  reserved: GiftOrderStatus.GIFT_ORDER_STATUS_RESERVED,
  paid: GiftOrderStatus.GIFT_ORDER_STATUS_PAID,
  shipping: GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING,
  delivered: GiftOrderStatus.GIFT_ORDER_STATUS_DELIVERED,
  cancelled: GiftOrderStatus.GIFT_ORDER_STATUS_CANCELLED,
  released: GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED,
};

function toGiftMessage(gift: GiftState): GiftMessage {
  return {
    giftId: gift.id,
    name: gift.name,
    stockCount: gift.stockCount,
    reservedCount: gift.reservedCount,
    availableCount: availableCount(gift),
  };
}

function toOrderMessage(order: GiftOrderState): GiftOrderMessage {
  return {
    orderId: order.id,
    customerId: order.customerId,
    giftId: order.giftId,
    giftName: order.giftName,
    rewardId: order.rewardId,
    status: STATUS[order.status],
    deliveryId: order.deliveryId ?? '',
    placedAt: order.placedAt,
    updatedAt: order.updatedAt,
  };
}
