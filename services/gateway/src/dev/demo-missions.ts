import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { Mission, MissionServiceClient } from '#contracts/generated/game/mission/v1/mission_service';

/**
 * Development tool of the embedded mode: achieves a mission for the signed-in player as the game
 * server would, with the game server's own client-credentials token, held here on the server
 * (the browser never sees a secret, and players still cannot call AchieveMission themselves).
 * The composition (launcher, TestSystem) offers it only with the embedded provider.
 */
export type DemoMissions = (customerId: string, eventCode: string, missionCode: string) => Promise<unknown>;

export function demoMissionsThrough(
  missionAddress: string,
  gameServerToken: () => Promise<string>,
): { achieve: DemoMissions; close(): void } {
  const client = new MissionServiceClient(missionAddress, credentials.createInsecure());
  const achieve: DemoMissions = async (customerId, eventCode, missionCode) => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${await gameServerToken()}`);
    const mission = await new Promise<Mission>((resolve, reject) =>
      client.achieveMission(
        { customerId, eventCode, missionCode },
        metadata,
        { deadline: Date.now() + 5000 },
        (error: ServiceError | null, reply: Mission) => (error ? reject(error) : resolve(reply)),
      ),
    );
    return Mission.toJSON(mission);
  };
  return { achieve, close: () => client.close() };
}
