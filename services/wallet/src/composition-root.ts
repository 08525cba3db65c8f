import { fileURLToPath } from 'node:url';
import { TransactionScope } from '../../platform/src/db/transaction-scope.js';
import type { ServiceContext, ServiceModule, ServiceParts } from '../../platform/src/runtime/service-module.js';
import { DrizzleWalletRepository } from './adapters/db/drizzle-wallet-repository.js';
import { inboxEvents, outboxEvents } from './adapters/db/wallet-schema.js';
import { walletGrpcService } from './adapters/grpc/wallet-grpc-service.js';
import { walletEventHandlers } from './adapters/messaging/wallet-event-handlers.js';
import { CreditReward } from './application/credit-reward.js';
import { GetWallet } from './application/get-wallet.js';

export interface WalletOverrides {
  now: () => Date;
}

/** Wires the wallet service: repository, use cases, gRPC adapter, event handlers. */
export function createWalletService(context: ServiceContext, overrides: Partial<WalletOverrides> = {}): ServiceParts {
  const wallets = new DrizzleWalletRepository(TransactionScope.database(context.db, context.wakeRelay));
  const now = overrides.now ?? (() => new Date());
  return {
    grpc: [walletGrpcService({ getWallet: new GetWallet({ wallets }) }, context.logger)],
    outbox: outboxEvents,
    consumer: {
      inbox: inboxEvents,
      handlers: walletEventHandlers((tx) => new CreditReward({ wallets: new DrizzleWalletRepository(TransactionScope.transaction(tx)), now })),
    },
  };
}

export const walletModule: ServiceModule<WalletOverrides> = {
  name: 'wallet',
  schema: 'wallet',
  migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
  defaultPort: 50053,
  create: createWalletService,
};
