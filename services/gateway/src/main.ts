/**
 * The REST gateway alone: `npx tsx services/gateway/src/main.ts`. The stand-in for Envoy's
 * gRPC-JSON transcoder when there is no Envoy (see create-gateway.ts); configuration in
 * gateway-config.ts (GATEWAY_PORT, MISSION_ADDRESS, ...).
 */
import { createLogger } from '../../platform/src/logging/logger.js';
import { stopOnSignals } from '../../platform/src/runtime/process-lifecycle.js';
import { startTracing } from '../../platform/src/telemetry/tracing.js';
import { readMetricsAddress, startMetricsServer } from '../../platform/src/metrics/metrics-server.js';
import { createGateway } from './create-gateway.js';
import { loadDescriptorRegistry } from './descriptor/descriptor-registry.js';
import { readGatewayConfig } from './gateway-config.js';

const tracing = startTracing('gateway');
const registry = loadDescriptorRegistry();
const config = readGatewayConfig(registry);
const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
const gateway = await createGateway({ ...config, registry, logger });
const metrics = await startMetricsServer({ ...readMetricsAddress(), logger });
stopOnSignals(async () => {
  await metrics.stop();
  await gateway.stop();
  await tracing.shutdown();
}, logger);
