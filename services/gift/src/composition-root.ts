import { fileURLToPath } from 'node:url';
import { DEFAULT_GRPC_PORTS } from '#contracts/service-ports';
import type { Transaction } from '#platform/db/database';
import { TransactionScope } from '#platform/db/transaction-scope';
import { PeriodicTask } from '#platform/runtime/periodic-task';
import type { ServiceContext, ServiceModule, ServiceParts } from '#platform/runtime/service-module';
import { DrizzleGiftOrderRepository } from './adapters/db/drizzle-gift-order-repository.js';
import { DrizzleGiftRepository } from './adapters/db/drizzle-gift-repository.js';
import { giftOrderSnapshot, giftStockSnapshot } from './adapters/db/drizzle-gift-snapshot.js';
import { DrizzleGiftUnitOfWork } from './adapters/db/drizzle-gift-unit-of-work.js';
import { inboxEvents, outboxEvents } from './adapters/db/gift-schema.js';
import { giftGrpcService } from './adapters/grpc/gift-grpc-service.js';
import { type GiftEventUseCases, giftEventHandlers } from './adapters/messaging/gift-event-handlers.js';
import { CancelGiftOrder } from './application/cancel-gift-order.js';
import { CancelOrderDelivery } from './application/cancel-order-delivery.js';
import { CompleteOrderDelivery } from './application/complete-order-delivery.js';
import { CreateGift } from './application/create-gift.js';
import { GetGift } from './application/get-gift.js';
import { GetGiftOrder } from './application/get-gift-order.js';
import { ListGiftOrders } from './application/list-gift-orders.js';
import { ListGifts } from './application/list-gifts.js';
import { PayGiftOrder } from './application/pay-gift-order.js';
import { ReleaseAbandonedOrder } from './application/release-abandoned-order.js';
import { ReleaseExpiredReservations } from './application/release-expired-reservations.js';
import { ReserveGift } from './application/reserve-gift.js';
import { SetGiftStock } from './application/set-gift-stock.js';
import { StartOrderDelivery } from './application/start-order-delivery.js';
import { readGiftConfig } from './gift-config.js';

/** What tests may replace. */
export interface GiftOverrides {
  /**
   * Accepted like every service's, but the gift service mints no ids of its own: order ids come
   * from the wallet, gift ids from operators.
   */
  newId: () => string;
  now: () => Date;
  /** How long ReserveGift holds a unit for an unpaid order (GIFT_RESERVATION_TTL_MS). */
  reservationTtlMs: number;
  /** How often expired reservations are released (GIFT_EXPIRY_SWEEP_MS). */
  expirySweepMs: number;
}

/** Wires the gift service: repositories, use cases, gRPC adapter, event handlers, expiry sweep. */
export function createGiftService(context: ServiceContext, overrides: Partial<GiftOverrides> = {}): ServiceParts {
  const now = overrides.now ?? (() => new Date());
  const config = readGiftConfig();
  const reservationTtlMs = overrides.reservationTtlMs ?? config.reservationTtlMs;
  const expirySweepMs = overrides.expirySweepMs ?? config.expirySweepMs;

  const scope = TransactionScope.database(context.db, context.wakeRelay);
  const gifts = new DrizzleGiftRepository(scope);
  const orders = new DrizzleGiftOrderRepository(scope);
  const unitOfWork = new DrizzleGiftUnitOfWork(scope);
  const useCases = {
    createGift: new CreateGift({ gifts, now }),
    setGiftStock: new SetGiftStock({ gifts, now }),
    getGift: new GetGift({ gifts }),
    listGifts: new ListGifts({ gifts }),
    reserveGift: new ReserveGift({ unitOfWork, reservationTtlMs, now }),
    getGiftOrder: new GetGiftOrder({ orders }),
    listGiftOrders: new ListGiftOrders({ orders }),
    cancelGiftOrder: new CancelGiftOrder({ unitOfWork, now }),
  };
  const eventUseCasesIn = (tx: Transaction): GiftEventUseCases => {
    const inConsumer = new DrizzleGiftUnitOfWork(TransactionScope.transaction(tx));
    return {
      payGiftOrder: new PayGiftOrder({ unitOfWork: inConsumer, now }),
      releaseAbandonedOrder: new ReleaseAbandonedOrder({ unitOfWork: inConsumer, now }),
      startOrderDelivery: new StartOrderDelivery({ unitOfWork: inConsumer, now }),
      cancelOrderDelivery: new CancelOrderDelivery({ unitOfWork: inConsumer, now }),
      completeOrderDelivery: new CompleteOrderDelivery({ unitOfWork: inConsumer, now }),
    };
  };
  const releaseExpired = new ReleaseExpiredReservations({ unitOfWork, now });
  return {
    grpc: [giftGrpcService(useCases, context.logger)],
    outbox: outboxEvents,
    snapshot: [giftOrderSnapshot(context.db), giftStockSnapshot(context.db)],
    consumer: { inbox: inboxEvents, handlers: giftEventHandlers(eventUseCasesIn) },
    tasks: [
      new PeriodicTask(
        'gift-reservation-expiry',
        expirySweepMs,
        async () => {
          const released = await releaseExpired.execute();
          if (released > 0) context.logger.info('expired reservations released', { released });
        },
        context.logger,
      ),
    ],
  };
}

export const giftModule: ServiceModule<GiftOverrides> = {
  name: 'gift',
  schema: 'gift',
  migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
  defaultPort: DEFAULT_GRPC_PORTS.gift,
  create: createGiftService,
  checkConfig: (env) => void readGiftConfig(env),
};
