/**
 * The REST gateway alone: `npx tsx services/gateway/src/main.ts`. The stand-in for Envoy's
 * gRPC-JSON transcoder when there is no Envoy (see create-gateway.ts); configuration in
 * gateway-config.ts (GATEWAY_PORT, MISSION_ADDRESS, ...) and the platform's AUTH_* settings:
 * alone, the gateway runs no identity provider of its own, so AUTH_ISSUER names the one whose
 * tokens it accepts (`npm start` runs the embedded one and a gateway in the same process).
 */

import { readAuthConfig } from '#platform/auth/auth-config';
import { PlatformAuth } from '#platform/auth/platform-auth';
import { ConfigError } from '#platform/config/env-reader';
import { createLogger } from '#platform/logging/logger';
import { readMetricsAddress, startMetricsServer } from '#platform/metrics/metrics-server';
import { assertPortsFree, portFailure } from '#platform/runtime/port-check';
import { stopOnSignals } from '#platform/runtime/process-lifecycle';
import { startOrExit } from '#platform/runtime/startup-error';
import { startTracing } from '#platform/telemetry/tracing';
import { createGateway } from './create-gateway.js';
import { loadDescriptorRegistry } from './descriptor/descriptor-registry.js';
import { readGatewayConfig } from './gateway-config.js';

await startOrExit(async () => {
  const registry = loadDescriptorRegistry();
  const config = readGatewayConfig(registry);
  const claim = { port: config.port, host: config.host, variable: 'GATEWAY_PORT' };
  await assertPortsFree([claim]);
  const authConfig = readAuthConfig();
  if (!authConfig.issuer)
    throw new ConfigError('AUTH_ISSUER is required: the gateway alone verifies tokens of an identity provider it does not run');
  const tracing = await startTracing('gateway');
  const auth = await PlatformAuth.discover({ ...authConfig, issuer: authConfig.issuer });
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
  const access = { verify: (token: string) => auth.verifier.verify(token), rateLimits: config.rateLimits };
  const gateway = await createGateway({ ...config, registry, logger, access }).catch((error: unknown) => {
    throw portFailure(error, claim) ?? error;
  });
  const metrics = await startMetricsServer({ ...readMetricsAddress(), logger });
  stopOnSignals(async () => {
    await metrics.stop();
    await gateway.stop();
    await tracing.shutdown();
  }, logger);
});
