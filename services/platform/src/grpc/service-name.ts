import type { ServiceDefinition } from '@grpc/grpc-js';

/**
 * The full protobuf name of a generated service (`game.mission.v1.MissionService`), read from
 * its methods' paths (`/game.mission.v1.MissionService/AchieveMission`), so adapters never retype it.
 */
export function serviceNameOf(definition: ServiceDefinition): string {
  const [method] = Object.values(definition);
  const name = method ? /^\/([^/]+)\//.exec(method.path)?.[1] : undefined;
  if (!name) throw new Error('a generated service definition has at least one method with a /package.Service/Method path');
  return name;
}
