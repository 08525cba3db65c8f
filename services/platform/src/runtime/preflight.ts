import { type Env, readInt } from '../config/env-reader.js';
import { type PlatformConfig, readServiceDatabaseUrl } from '../config/platform-config.js';
import { readMetricsAddress } from '../metrics/metrics-server.js';
import { assertPortsFree, type PortClaim } from './port-check.js';
import type { ServiceModule } from './service-module.js';

/** The gRPC port a service will listen on (`<SERVICE>_GRPC_PORT`, else its default) and that variable. */
export function grpcPortClaim(module: ServiceModule<never>, config: PlatformConfig, env: Env): PortClaim {
  const variable = `${module.name.toUpperCase()}_GRPC_PORT`;
  return { port: readInt(env, variable, module.defaultPort, { min: 0, max: 65535 }), host: config.grpcHost, variable };
}

/**
 * What an entry point checks before it does any work (opening servers, migrating, building):
 * every service's own settings and database URL, and that every port it will listen on is free.
 * The platform's settings were read already (readPlatformConfig throws on a bad one).
 */
export async function checkBeforeStart(
  modules: readonly ServiceModule<never>[],
  config: PlatformConfig,
  env: Env,
  otherPorts: readonly PortClaim[] = [],
): Promise<void> {
  for (const module of modules) {
    module.checkConfig?.(env);
    readServiceDatabaseUrl(env, module.name);
  }
  await assertPortsFree([...modules.map((module) => grpcPortClaim(module, config, env)), ...metricsPortClaim(env), ...otherPorts]);
}

/** The process's metrics port (METRICS_PORT; 0 picks a free one, so nothing to check). */
function metricsPortClaim(env: Env): PortClaim[] {
  const { host, port } = readMetricsAddress(env);
  return port === 0 ? [] : [{ port, host, variable: 'METRICS_PORT' }];
}
