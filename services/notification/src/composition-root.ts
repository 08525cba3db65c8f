import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GRPC_PORTS } from '#contracts/service-ports';
import { READ_MODEL_BATCH_WINDOW_MS } from '#platform/bus/batch-window';
import { TransactionScope } from '#platform/db/transaction-scope';
import { PeriodicTask } from '#platform/runtime/periodic-task';
import type { ServiceContext, ServiceModule, ServiceParts } from '#platform/runtime/service-module';
import { LogNotificationChannel } from './adapters/channels/log-notification-channel.js';
import { WebhookNotificationChannel } from './adapters/channels/webhook-notification-channel.js';
import { WebhookPolicy } from './adapters/channels/webhook-policy.js';
import { DrizzleDeliveryQueue } from './adapters/db/drizzle-delivery-queue.js';
import { DrizzleNotificationRepository } from './adapters/db/drizzle-notification-repository.js';
import { inboxEvents } from './adapters/db/notification-schema.js';
import { notificationGrpcService } from './adapters/grpc/notification-grpc-service.js';
import { notificationEventHandlers } from './adapters/messaging/notification-event-handlers.js';
import { DispatchNotifications } from './application/dispatch-notifications.js';
import { ListNotifications } from './application/list-notifications.js';
import { MarkNotificationsRead } from './application/mark-notifications-read.js';
import { RecordNotification } from './application/record-notification.js';
import type { NotificationChannel } from './domain/notification-channel.js';
import { type NotificationConfig, readNotificationConfig } from './notification-config.js';

/** What tests may replace. */
export interface NotificationOverrides {
  now: () => Date;
  newId: () => string;
  config: Partial<NotificationConfig>;
}

/** Wires the notification service: repository, channel, use cases, gRPC, events, the sender. */
export function createNotificationService(context: ServiceContext, overrides: Partial<NotificationOverrides> = {}): ServiceParts {
  const config = { ...readNotificationConfig(), ...overrides.config };
  const now = overrides.now ?? (() => new Date());
  const newId = overrides.newId ?? randomUUID;
  const notifications = new DrizzleNotificationRepository(TransactionScope.database(context.db));
  const channelLogger = context.logger.child({ component: 'notification-channel' });
  const channel: NotificationChannel = config.webhookUrl
    ? new WebhookNotificationChannel(config.webhookUrl, new WebhookPolicy(config.webhook, channelLogger))
    : new LogNotificationChannel(channelLogger);
  const dispatch = new DispatchNotifications({
    queue: new DrizzleDeliveryQueue(context.db),
    channel,
    now,
    settings: config.dispatch,
    logger: context.logger.child({ component: 'dispatch' }),
  });
  return {
    grpc: [
      notificationGrpcService(
        {
          listNotifications: new ListNotifications({ notifications }),
          markNotificationsRead: new MarkNotificationsRead({ notifications, now }),
        },
        context.logger,
      ),
    ],
    consumer: {
      inbox: inboxEvents,
      handlers: notificationEventHandlers(
        (tx) => new RecordNotification({ notifications: new DrizzleNotificationRepository(TransactionScope.transaction(tx)), newId }),
      ),
      batchWindowMs: READ_MODEL_BATCH_WINDOW_MS,
    },
    tasks: [
      new PeriodicTask(
        'dispatch-notifications',
        config.dispatchIntervalMs,
        async () => {
          await dispatch.execute();
        },
        context.logger,
      ),
    ],
  };
}

export const notificationModule: ServiceModule<NotificationOverrides> = {
  name: 'notification',
  schema: 'notification',
  migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
  defaultPort: DEFAULT_GRPC_PORTS.notification,
  create: createNotificationService,
  checkConfig: (env) => void readNotificationConfig(env),
};
