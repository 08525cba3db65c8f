import {
  type Delivery as DeliveryMessage,
  type DeliveryServiceServer,
  DeliveryServiceService,
  DeliveryStatus,
} from '#contracts/generated/game/delivery/v1/delivery_service';
import { callerOf } from '#platform/auth/auth-interceptor';
import type { GrpcServiceBinding } from '#platform/grpc/grpc-server';
import { serviceNameOf } from '#platform/grpc/service-name';
import { unary } from '#platform/grpc/unary-handler';
import type { Logger } from '#platform/logging/logger';
import type { CompleteDelivery } from '../../application/complete-delivery.js';
import type { GetDelivery } from '../../application/get-delivery.js';
import type { GetOrderDelivery } from '../../application/get-order-delivery.js';
import type { DeliveryState } from '../../domain/delivery.js';

/** The gRPC inbound adapter: maps proto messages to use-case calls and back, nothing more. */
export function deliveryGrpcService(
  useCases: { getDelivery: GetDelivery; getOrderDelivery: GetOrderDelivery; completeDelivery: CompleteDelivery },
  logger: Logger,
): GrpcServiceBinding {
  const implementation: DeliveryServiceServer = {
    getDelivery: unary(logger, async (request, call) => toMessage(await useCases.getDelivery.execute(request, callerOf(call)))),
    getOrderDelivery: unary(logger, async (request, call) => toMessage(await useCases.getOrderDelivery.execute(request, callerOf(call)))),
    completeDelivery: unary(logger, async (request) => toMessage(await useCases.completeDelivery.execute(request))),
  };
  return { name: serviceNameOf(DeliveryServiceService), definition: DeliveryServiceService, implementation };
}

const STATUS: Record<DeliveryState['status'], DeliveryStatus> = {
  started: DeliveryStatus.DELIVERY_STATUS_STARTED,
  delivered: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
  cancelled: DeliveryStatus.DELIVERY_STATUS_CANCELLED,
};

function toMessage(delivery: DeliveryState): DeliveryMessage {
  return {
    deliveryId: delivery.id,
    orderId: delivery.orderId,
    customerId: delivery.customerId,
    giftId: delivery.giftId,
    status: STATUS[delivery.status],
    startedAt: delivery.startedAt,
    updatedAt: delivery.updatedAt,
  };
}
