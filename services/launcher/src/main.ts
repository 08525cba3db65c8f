/**
 * `npm start`: the whole platform in one process. With DATABASE_URL / AMQP_URL unset it runs on
 * the embedded defaults (one PGlite, the in-process event transport), so a fresh machine
 * needs nothing installed; set them to use the real servers. Each service still has its own
 * port, schema, queue and outbox, exactly as when it runs alone (services/<name>/src/main.ts).
 */
import { createGateway } from '../../gateway/src/create-gateway.js';
import { loadDescriptorRegistry } from '../../gateway/src/descriptor/descriptor-registry.js';
import { readGatewayConfig, upstreamsFor } from '../../gateway/src/gateway-config.js';
import { readPlatformConfig } from '../../platform/src/config/platform-config.js';
import { WEB_DIST_DIR } from '../../web/web-dist.js';
import { createLogger } from '../../platform/src/logging/logger.js';
import { Infrastructure } from '../../platform/src/runtime/infrastructure.js';
import { stopOnSignals } from '../../platform/src/runtime/process-lifecycle.js';
import { runService, type RunningService } from '../../platform/src/runtime/service-runner.js';
import { platformIdentity } from '../../identity/src/platform-identity.js';
import { SERVICE_MODULES } from './service-catalog.js';
import { gatewayIdentity } from '../../gateway/src/access/gateway-identity.js';
import { DEV_SERVICE_CLIENTS } from '../../identity/src/dev-clients.js';

const config = readPlatformConfig();
const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
const infrastructure = await Infrastructure.open(config, logger, 'launcher');
logger.info('starting the platform', infrastructure.mode);
// Who may call what: the embedded development provider unless AUTH_ISSUER names a real one.
const identity = await platformIdentity(config.auth, logger);

const services: RunningService[] = [];
for (const module of SERVICE_MODULES) {
  services.push(await runService(module, { database: await infrastructure.database(module.name), bus: infrastructure.bus, config, logger, auth: identity.auth }));
}

// The REST edge on 8080, as Envoy is in a deployment: every public RPC by its HTTP annotation.
const registry = loadDescriptorRegistry();
const portOf = new Map(services.map((service) => [service.name, service.port]));
const gatewayConfig = readGatewayConfig(registry);
// The edge checks the same tokens; the demo-mission development tool needs the embedded
// provider's game-server client, so it is off with a real issuer.
const edgeIdentity = gatewayIdentity({
  auth: identity.auth,
  rateLimits: gatewayConfig.rateLimits,
  demoMissions: identity.provider && portOf.has('mission') ? { gameServer: DEV_SERVICE_CLIENTS.gameServer, missionAddress: `127.0.0.1:${portOf.get('mission')}` } : undefined,
});
const gateway = await createGateway({
  ...gatewayConfig,
  ...edgeIdentity,
  // The My Page web front end, from the same entry point as the API.
  staticDir: gatewayConfig.staticDir ?? WEB_DIST_DIR,
  registry,
  logger,
  upstreams: upstreamsFor(registry, (context) => (portOf.has(context) ? `127.0.0.1:${portOf.get(context)}` : undefined)),
});
logger.info('platform ready', { rest: gateway.url, grpc: Object.fromEntries(portOf), issuer: identity.auth.issuer });

stopOnSignals(async () => {
  await gateway.stop();
  edgeIdentity.close();
  for (const service of [...services].reverse()) await service.stop();
  await identity.stop();
  await infrastructure.close();
}, logger);
