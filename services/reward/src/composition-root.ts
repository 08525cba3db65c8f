import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GRPC_PORTS } from '#contracts/service-ports';
import { TransactionScope } from '#platform/db/transaction-scope';
import type { ServiceContext, ServiceModule, ServiceParts } from '#platform/runtime/service-module';
import { DrizzleRewardRepository } from './adapters/db/drizzle-reward-repository.js';
import { rewardSnapshot } from './adapters/db/drizzle-reward-snapshot.js';
import { inboxEvents, outboxEvents } from './adapters/db/reward-schema.js';
import { rewardGrpcService } from './adapters/grpc/reward-grpc-service.js';
import { rewardEventHandlers } from './adapters/messaging/reward-event-handlers.js';
import { GetReward } from './application/get-reward.js';
import { IssueReward } from './application/issue-reward.js';
import { ListRewards } from './application/list-rewards.js';
import { RecordRewardExchange } from './application/record-reward-exchange.js';

export interface RewardOverrides {
  newId: () => string;
  now: () => Date;
}

/** Wires the reward service: repository, use cases, gRPC adapter, event handlers. */
export function createRewardService(context: ServiceContext, overrides: Partial<RewardOverrides> = {}): ServiceParts {
  const rewards = new DrizzleRewardRepository(TransactionScope.database(context.db, context.wakeRelay));
  const newId = overrides.newId ?? randomUUID;
  const now = overrides.now ?? (() => new Date());
  return {
    grpc: [rewardGrpcService({ getReward: new GetReward({ rewards }), listRewards: new ListRewards({ rewards }) }, context.logger)],
    outbox: outboxEvents,
    snapshot: [rewardSnapshot(context.db)],
    consumer: {
      inbox: inboxEvents,
      handlers: rewardEventHandlers((tx) => {
        const inTransaction = new DrizzleRewardRepository(TransactionScope.transaction(tx));
        return {
          issueReward: new IssueReward({ rewards: inTransaction, newId, now }),
          recordExchange: new RecordRewardExchange({ rewards: inTransaction }),
        };
      }),
    },
  };
}

export const rewardModule: ServiceModule<RewardOverrides> = {
  name: 'reward',
  schema: 'reward',
  migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
  defaultPort: DEFAULT_GRPC_PORTS.reward,
  create: createRewardService,
};
