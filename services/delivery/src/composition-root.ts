import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GRPC_PORTS } from '#contracts/service-ports';
import { TransactionScope } from '#platform/db/transaction-scope';
import type { ServiceContext, ServiceModule, ServiceParts } from '#platform/runtime/service-module';
import { inboxEvents, outboxEvents } from './adapters/db/delivery-schema.js';
import { DrizzleDeliveryRepository } from './adapters/db/drizzle-delivery-repository.js';
import { deliverySnapshot } from './adapters/db/drizzle-delivery-snapshot.js';
import { deliveryGrpcService } from './adapters/grpc/delivery-grpc-service.js';
import { deliveryEventHandlers } from './adapters/messaging/delivery-event-handlers.js';
import { CancelDelivery } from './application/cancel-delivery.js';
import { CompleteDelivery } from './application/complete-delivery.js';
import { GetDelivery } from './application/get-delivery.js';
import { GetOrderDelivery } from './application/get-order-delivery.js';
import { StartDelivery } from './application/start-delivery.js';

/** What tests may replace. */
export interface DeliveryOverrides {
  newId: () => string;
  now: () => Date;
}

/** Wires the delivery service: repository, use cases, gRPC adapter, event handlers. */
export function createDeliveryService(context: ServiceContext, overrides: Partial<DeliveryOverrides> = {}): ServiceParts {
  const deliveries = new DrizzleDeliveryRepository(TransactionScope.database(context.db, context.wakeRelay));
  const newId = overrides.newId ?? randomUUID;
  const now = overrides.now ?? (() => new Date());
  const useCases = {
    getDelivery: new GetDelivery({ deliveries }),
    getOrderDelivery: new GetOrderDelivery({ deliveries }),
    completeDelivery: new CompleteDelivery({ deliveries, now }),
  };
  return {
    grpc: [deliveryGrpcService(useCases, context.logger)],
    outbox: outboxEvents,
    snapshot: [deliverySnapshot(context.db)],
    consumer: {
      inbox: inboxEvents,
      handlers: deliveryEventHandlers((tx) => {
        const inTransaction = new DrizzleDeliveryRepository(TransactionScope.transaction(tx));
        return {
          startDelivery: new StartDelivery({ deliveries: inTransaction, newId, now }),
          cancelDelivery: new CancelDelivery({ deliveries: inTransaction, newId, now }),
        };
      }, context.logger),
    },
  };
}

export const deliveryModule: ServiceModule<DeliveryOverrides> = {
  name: 'delivery',
  schema: 'delivery',
  migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
  defaultPort: DEFAULT_GRPC_PORTS.delivery,
  create: createDeliveryService,
};
