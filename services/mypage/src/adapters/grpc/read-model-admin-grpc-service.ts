import {
  type ReadModelAdminServiceServer,
  ReadModelAdminServiceService,
  type ReadModelStatus,
} from '#contracts/generated/game/platform/v1/read_model_admin_service';
import type { GrpcServiceBinding } from '#platform/grpc/grpc-server';
import { serviceNameOf } from '#platform/grpc/service-name';
import { unary } from '#platform/grpc/unary-handler';
import type { Logger } from '#platform/logging/logger';
import type { GetMyPageViewStatus } from '../../application/get-my-page-view-status.js';
import type { ResetMyPageView } from '../../application/reset-my-page-view.js';
import type { ViewStatus } from '../../domain/my-page-view.js';

/**
 * The internal operations API of the view (game.platform.v1.ReadModelAdminService): reset it
 * before a replay and watch it catch up. It also tells where a replay goes and what it needs.
 */
export function readModelAdminGrpcService(
  useCases: { reset: ResetMyPageView; status: GetMyPageViewStatus },
  consumes: { queue: string; routingKeys: readonly string[] },
  logger: Logger,
): GrpcServiceBinding {
  const toMessage = (status: ViewStatus): ReadModelStatus => ({
    queue: consumes.queue,
    routingKeys: [...consumes.routingKeys],
    eventsApplied: status.eventsApplied,
    pages: status.pages,
    versionsTotal: status.versionsTotal,
    lastEventAt: status.lastEventAt,
  });
  const implementation: ReadModelAdminServiceServer = {
    resetReadModel: unary(logger, async () => {
      const status = await useCases.reset.execute();
      logger.warn('read model reset: it fills again from replayed events', { queue: consumes.queue });
      return { status: toMessage(status) };
    }),
    getReadModelStatus: unary(logger, async () => toMessage(await useCases.status.execute())),
  };
  return { name: serviceNameOf(ReadModelAdminServiceService), definition: ReadModelAdminServiceService, implementation };
}
