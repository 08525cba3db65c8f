/**
 * The REST gateway alone: `npx tsx services/gateway/src/main.ts`. The stand-in for Envoy's
 * gRPC-JSON transcoder when there is no Envoy (see create-gateway.ts); configuration in
 * gateway-config.ts (GATEWAY_PORT, MISSION_ADDRESS, ...), checked before it listens.
 */
import { createLogger } from '../../platform/src/logging/logger.js';
import { readMetricsAddress, startMetricsServer } from '../../platform/src/metrics/metrics-server.js';
import { assertPortsFree, portFailure } from '../../platform/src/runtime/port-check.js';
import { stopOnSignals } from '../../platform/src/runtime/process-lifecycle.js';
import { startOrExit } from '../../platform/src/runtime/startup-error.js';
import { startTracing } from '../../platform/src/telemetry/tracing.js';
import { createGateway } from './create-gateway.js';
import { loadDescriptorRegistry } from './descriptor/descriptor-registry.js';
import { readGatewayConfig } from './gateway-config.js';

await startOrExit(async () => {
  const registry = loadDescriptorRegistry();
  const config = readGatewayConfig(registry);
  const claim = { port: config.port, host: config.host, variable: 'GATEWAY_PORT' };
  await assertPortsFree([claim]);
  const tracing = startTracing('gateway');
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
  const gateway = await createGateway({ ...config, registry, logger }).catch((error: unknown) => {
    throw portFailure(error, claim) ?? error;
  });
  const metrics = await startMetricsServer({ ...readMetricsAddress(), logger });
  stopOnSignals(async () => {
    await metrics.stop();
    await gateway.stop();
    await tracing.shutdown();
  }, logger);
});
