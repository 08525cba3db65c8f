/**
 * A value built once per gRPC method from its path (`/game.mission.v1.MissionService/AchieveMission`
 * gives `game.mission.v1.MissionService` and `AchieveMission`), for interceptors that label or
 * annotate every call: the path is split on a method's first call, not on each. Bounded: a
 * server's interceptor sees only the paths it registered, a client's only those its generated
 * stubs call.
 */
export function perMethod<T>(build: (service: string, method: string) => T): (path: string) => T {
  const byPath = new Map<string, T>();
  return (path) => {
    let value = byPath.get(path);
    if (value === undefined) {
      const [, service = '', method = ''] = path.split('/');
      value = build(service, method);
      byPath.set(path, value);
    }
    return value;
  };
}
