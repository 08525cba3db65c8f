import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GRPC_PORTS } from '#contracts/service-ports';
import { TransactionScope } from '#platform/db/transaction-scope';
import { PeriodicTask } from '#platform/runtime/periodic-task';
import type { ServiceContext, ServiceModule, ServiceParts } from '#platform/runtime/service-module';
import { DrizzleWalletRepository, DrizzleWalletUnitOfWork } from './adapters/db/drizzle-wallet-repository.js';
import { rewardPaymentSnapshot, walletRewardSnapshot } from './adapters/db/drizzle-wallet-snapshot.js';
import { inboxEvents, outboxEvents } from './adapters/db/wallet-schema.js';
import { GiftShopPolicy } from './adapters/gift-shop/gift-shop-policy.js';
import { GrpcGiftShop } from './adapters/gift-shop/grpc-gift-shop.js';
import { walletGrpcService } from './adapters/grpc/wallet-grpc-service.js';
import { walletEventHandlers } from './adapters/messaging/wallet-event-handlers.js';
import { prometheusExchangeOutcomes } from './adapters/metrics/prometheus-exchange-outcomes.js';
import { CreditReward } from './application/credit-reward.js';
import { ExchangeReward } from './application/exchange-reward.js';
import { GetWallet } from './application/get-wallet.js';
import { RecoverStalledExchanges } from './application/recover-stalled-exchanges.js';
import { ReturnReward } from './application/return-reward.js';
import { SettleExchange } from './application/settle-exchange.js';
import type { GiftShop } from './domain/gift-shop.js';
import { readWalletConfig, type WalletConfig } from './wallet-config.js';

/** What tests may replace. */
export interface WalletOverrides {
  now: () => Date;
  newId: () => string;
  config: Partial<WalletConfig>;
  /** Replaces the gRPC gift shop (e.g. one that crashes the process at a chosen step). */
  giftShop: (real: GiftShop) => GiftShop;
}

/** Wires the wallet service: repository, gift shop adapter, use cases, gRPC, events, recovery. */
export function createWalletService(context: ServiceContext, overrides: Partial<WalletOverrides> = {}): ServiceParts {
  const config = { ...readWalletConfig(), ...overrides.config };
  const now = overrides.now ?? (() => new Date());
  const newId = overrides.newId ?? randomUUID;
  const scope = TransactionScope.database(context.db, context.wakeRelay);
  const wallets = new DrizzleWalletRepository(scope);
  const unitOfWork = new DrizzleWalletUnitOfWork(scope);

  const policy = new GiftShopPolicy(config.giftShop, context.logger.child({ component: 'gift-shop' }));
  const walletTokens = context.auth.clientCredentials(config.authClientId, config.authClientSecret, 'service');
  // Fetched now, so the first exchange does not spend its gift-shop timeout waiting on the provider.
  walletTokens.prefetch();
  const grpcGiftShop = new GrpcGiftShop(config.giftAddress, policy, config.giftShop.attemptTimeoutMs, walletTokens);
  const giftShop = overrides.giftShop ? overrides.giftShop(grpcGiftShop) : grpcGiftShop;
  const outcomes = prometheusExchangeOutcomes;
  const settle = new SettleExchange({ unitOfWork, giftShop, now, outcomes });
  const recovery = new RecoverStalledExchanges({ wallets, settle, now, stalledAfterMs: config.exchangeStalledAfterMs });

  return {
    grpc: [
      walletGrpcService(
        {
          getWallet: new GetWallet({ wallets }),
          exchangeReward: new ExchangeReward({ unitOfWork, settle, giftShop, newId, now, outcomes }),
        },
        context.logger,
      ),
    ],
    outbox: outboxEvents,
    snapshot: [walletRewardSnapshot(context.db), rewardPaymentSnapshot(context.db)],
    consumer: {
      inbox: inboxEvents,
      handlers: walletEventHandlers((tx) => {
        const inTransaction = new DrizzleWalletRepository(TransactionScope.transaction(tx));
        return {
          creditReward: new CreditReward({ wallets: inTransaction, now }),
          returnReward: new ReturnReward({ wallets: inTransaction, now }),
        };
      }),
    },
    tasks: [
      new PeriodicTask(
        'recover-stalled-exchanges',
        config.exchangeRecoverySweepMs,
        async () => {
          await recovery.execute();
        },
        context.logger,
      ),
    ],
    close: () => grpcGiftShop.close(),
  };
}

export const walletModule: ServiceModule<WalletOverrides> = {
  name: 'wallet',
  schema: 'wallet',
  migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
  defaultPort: DEFAULT_GRPC_PORTS.wallet,
  create: createWalletService,
  checkConfig: (env) => void readWalletConfig(env),
};
