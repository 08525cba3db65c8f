import {
  NotificationKind,
  type Notification as NotificationMessage,
  type NotificationServiceServer,
  NotificationServiceService,
} from '#contracts/generated/game/notification/v1/notification_service';
import { callerOf } from '#platform/auth/auth-interceptor';
import type { GrpcServiceBinding } from '#platform/grpc/grpc-server';
import { serviceNameOf } from '#platform/grpc/service-name';
import { unary } from '#platform/grpc/unary-handler';
import type { Logger } from '#platform/logging/logger';
import { encodePageToken } from '#platform/validation/request-fields';
import type { ListNotifications } from '../../application/list-notifications.js';
import type { MarkNotificationsRead } from '../../application/mark-notifications-read.js';
import type { NotificationKind as Kind, NotificationState } from '../../domain/notification.js';

/** The gRPC inbound adapter of the notification service. */
export function notificationGrpcService(
  useCases: { listNotifications: ListNotifications; markNotificationsRead: MarkNotificationsRead },
  logger: Logger,
): GrpcServiceBinding {
  const implementation: NotificationServiceServer = {
    listNotifications: unary(logger, async (request, call) => {
      const list = await useCases.listNotifications.execute(request, callerOf(call));
      return {
        notifications: list.notifications.map(toMessage),
        nextPageToken: list.nextBefore === undefined ? '' : encodePageToken(list.nextBefore),
        unreadCount: list.unreadCount,
      };
    }),
    markNotificationsRead: unary(logger, async (request, call) => {
      const result = await useCases.markNotificationsRead.execute(request, callerOf(call));
      return { markedCount: result.marked, unreadCount: result.unreadCount };
    }),
  };
  return { name: serviceNameOf(NotificationServiceService), definition: NotificationServiceService, implementation };
}

const KIND: Record<Kind, NotificationKind> = {
  'mission-achieved': NotificationKind.NOTIFICATION_KIND_MISSION_ACHIEVED,
  'reward-issued': NotificationKind.NOTIFICATION_KIND_REWARD_ISSUED,
  'reward-exchanged': NotificationKind.NOTIFICATION_KIND_REWARD_EXCHANGED,
  'delivery-started': NotificationKind.NOTIFICATION_KIND_DELIVERY_STARTED,
  'order-cancelled': NotificationKind.NOTIFICATION_KIND_ORDER_CANCELLED,
  'order-rejected': NotificationKind.NOTIFICATION_KIND_ORDER_REJECTED,
  'order-delivered': NotificationKind.NOTIFICATION_KIND_ORDER_DELIVERED,
  'reward-returned': NotificationKind.NOTIFICATION_KIND_REWARD_RETURNED,
};

function toMessage(notification: NotificationState): NotificationMessage {
  return {
    notificationId: notification.id,
    customerId: notification.customerId,
    kind: KIND[notification.kind],
    text: notification.text,
    subjectId: notification.subjectId,
    createdAt: notification.createdAt,
    read: notification.readAt !== undefined,
    readAt: notification.readAt,
  };
}
