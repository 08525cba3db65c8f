import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GRPC_PORTS } from '#contracts/service-ports';
import { TransactionScope } from '#platform/db/transaction-scope';
import type { ServiceContext, ServiceModule, ServiceParts } from '#platform/runtime/service-module';
import { DrizzleMissionRepository } from './adapters/db/drizzle-mission-repository.js';
import { missionSnapshot } from './adapters/db/drizzle-mission-snapshot.js';
import { inboxEvents, outboxEvents } from './adapters/db/mission-schema.js';
import { missionGrpcService } from './adapters/grpc/mission-grpc-service.js';
import { missionEventHandlers } from './adapters/messaging/mission-event-handlers.js';
import { AchieveMission } from './application/achieve-mission.js';
import { GetMission } from './application/get-mission.js';
import { ListMissions } from './application/list-missions.js';

/** What tests may replace. */
export interface MissionOverrides {
  newId: () => string;
  now: () => Date;
}

/** Wires the mission service: repository, use cases, gRPC adapter, event handlers. */
export function createMissionService(context: ServiceContext, overrides: Partial<MissionOverrides> = {}): ServiceParts {
  const missions = new DrizzleMissionRepository(TransactionScope.database(context.db, context.wakeRelay));
  const useCases = {
    achieveMission: new AchieveMission({ missions, newId: overrides.newId ?? randomUUID, now: overrides.now ?? (() => new Date()) }),
    getMission: new GetMission({ missions }),
    listMissions: new ListMissions({ missions }),
  };
  return {
    grpc: [missionGrpcService(useCases, context.logger)],
    outbox: outboxEvents,
    snapshot: [missionSnapshot(context.db)],
    consumer: {
      inbox: inboxEvents,
      handlers: missionEventHandlers((tx) => new DrizzleMissionRepository(TransactionScope.transaction(tx))),
    },
  };
}

export const missionModule: ServiceModule<MissionOverrides> = {
  name: 'mission',
  schema: 'mission',
  migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
  defaultPort: DEFAULT_GRPC_PORTS.mission,
  create: createMissionService,
};
