import { fileURLToPath } from 'node:url';
import { READ_MODEL_BATCH_WINDOW_MS } from '#platform/bus/batch-window';
import { TransactionScope } from '#platform/db/transaction-scope';
import type { ServiceContext, ServiceModule, ServiceParts } from '#platform/runtime/service-module';
import { DrizzleMyPageView } from './adapters/db/drizzle-my-page-view.js';
import { inboxEvents } from './adapters/db/mypage-schema.js';
import { StoredPageCache } from './adapters/db/stored-page-cache.js';
import { myPageGrpcService } from './adapters/grpc/my-page-grpc-service.js';
import { readModelAdminGrpcService } from './adapters/grpc/read-model-admin-grpc-service.js';
import { myPageEventHandlers } from './adapters/messaging/my-page-event-handlers.js';
import { GetMyPage } from './application/get-my-page.js';
import { GetMyPageViewStatus } from './application/get-my-page-view-status.js';
import { RecordPageChange } from './application/record-page-change.js';
import { ResetMyPageView } from './application/reset-my-page-view.js';
import { readMyPageConfig } from './my-page-config.js';

const NAME = 'mypage';

/**
 * Wires My Page: the view, its queries, its event handlers. It is given no address of any
 * other service and opens no client: the page is built from events alone.
 */
export function createMyPageService(context: ServiceContext): ServiceParts {
  const { pageCacheBytes } = readMyPageConfig();
  const cache = pageCacheBytes > 0 ? new StoredPageCache(pageCacheBytes) : undefined;
  const view = new DrizzleMyPageView(TransactionScope.database(context.db), cache);
  const handlers = myPageEventHandlers((tx) => new RecordPageChange({ view: new DrizzleMyPageView(TransactionScope.transaction(tx)) }));
  const consumes = { queue: NAME, routingKeys: handlers.map((handler) => handler.event.routingKey) };
  return {
    grpc: [
      myPageGrpcService({ getMyPage: new GetMyPage({ view }) }, context.logger),
      readModelAdminGrpcService(
        { reset: new ResetMyPageView({ view }), status: new GetMyPageViewStatus({ view }) },
        consumes,
        context.logger,
      ),
    ],
    consumer: { inbox: inboxEvents, handlers, batchWindowMs: READ_MODEL_BATCH_WINDOW_MS },
  };
}

export const myPageModule: ServiceModule = {
  name: NAME,
  schema: 'mypage',
  migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
  // Written out (= DEFAULT_GRPC_PORTS.mypage): the read model imports nothing that knows other services' addresses.
  defaultPort: 30056,
  create: createMyPageService,
  checkConfig: (env) => void readMyPageConfig(env),
};
