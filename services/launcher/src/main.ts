/**
 * `npm start`: the whole platform in one process. With DATABASE_URL / AMQP_URL unset it runs on
 * the embedded defaults (one PGlite, the in-process event transport), so a fresh machine
 * needs nothing installed; set them to use the real servers. Each service still has its own
 * port, schema, queue and outbox, exactly as when it runs alone (services/<name>/src/main.ts).
 *
 * Every setting and port is checked first; a mistake ends the start in the first second with
 * one line on stderr. `--build-web` (what `npm start` passes) builds the My Page front end
 * meanwhile, in a process of its own beside the database start-up, instead of before it.
 */

import { readPlatformConfig } from '#platform/config/platform-config';
import type { DatabaseHandle } from '#platform/db/database';
import { createLogger } from '#platform/logging/logger';
import { readMetricsAddress, startMetricsServer } from '#platform/metrics/metrics-server';
import { Infrastructure } from '#platform/runtime/infrastructure';
import { portFailure } from '#platform/runtime/port-check';
import { checkBeforeStart } from '#platform/runtime/preflight';
import { stopOnSignals } from '#platform/runtime/process-lifecycle';
import { migrateService, type RunningService, runService } from '#platform/runtime/service-runner';
import { startOrExit } from '#platform/runtime/startup-error';
import { startTracing } from '#platform/telemetry/tracing';
import { gatewayIdentity } from '../../gateway/src/access/gateway-identity.js';
import { createGateway } from '../../gateway/src/create-gateway.js';
import { loadDescriptorRegistry } from '../../gateway/src/descriptor/descriptor-registry.js';
import { readGatewayConfig, upstreamsFor } from '../../gateway/src/gateway-config.js';
import { DEV_SERVICE_CLIENTS } from '../../identity/src/dev-clients.js';
import { platformIdentity } from '../../identity/src/platform-identity.js';
import { type WalletOverrides, walletModule } from '../../wallet/src/composition-root.js';
import { SERVICE_MODULES } from './service-modules.js';
import { buildWebPage, SOURCE_WEB_DIST_DIR } from './source-tree.js';

await startOrExit(async () => {
  const config = readPlatformConfig();
  const registry = loadDescriptorRegistry();
  const gatewayConfig = readGatewayConfig(registry);
  const gatewayPort = { port: gatewayConfig.port, host: gatewayConfig.host, variable: 'GATEWAY_PORT' };
  await checkBeforeStart(SERVICE_MODULES, config, process.env, [gatewayPort]);
  const tracing = await startTracing('game-event-rewards');
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
  const webBuilt =
    process.argv.includes('--build-web') && !gatewayConfig.staticDir
      ? buildWebPage().then((dir) => logger.info('web page built', { dir }))
      : Promise.resolve();
  webBuilt.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
  logger.info('starting the platform', {
    database: config.databaseUrl ? 'postgres' : 'pglite',
    events: config.amqpUrl ? 'rabbitmq' : 'in-process',
  });
  const infrastructure = await Infrastructure.open(config, logger, 'launcher');
  // The databases answer before anything starts, so their failure is the one line an operator reads.
  for (const module of SERVICE_MODULES) await infrastructure.databaseReachable(module.name);
  // Every schema migrated at once, while the identity provider starts (on PGlite the embedded
  // database itself starts here: it takes seconds, and so does the provider's start).
  const migrated = Promise.all(
    SERVICE_MODULES.map(async (module) => {
      const database = await infrastructure.database(module.name);
      await migrateService(module, database);
      return [module.name, database] as const;
    }),
  );
  migrated.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
  // Who may call what: the embedded development provider unless AUTH_ISSUER names a real one.
  const identity = await platformIdentity(config.auth, logger);
  const databases = new Map(await migrated);

  const services: RunningService[] = [];
  const portOf = new Map<string, number>();
  // One after another in the catalog's order: consumers subscribe before the producers they follow publish.
  for (const module of SERVICE_MODULES) {
    const options = {
      database: databases.get(module.name) as DatabaseHandle,
      migrate: false,
      bus: infrastructure.bus,
      config,
      logger,
      auth: identity.auth,
    };
    const service =
      module === walletModule
        ? await runService(walletModule, { ...options, overrides: walletCallsThisProcess(portOf) })
        : await runService(module, options);
    services.push(service);
    portOf.set(service.name, service.port);
  }

  // The REST edge on GATEWAY_PORT (8080), as Envoy is in a deployment: every public RPC by its HTTP annotation.
  await webBuilt;
  // The edge checks the same tokens; the demo-mission development tool needs the embedded
  // provider's game-server client, so it is off with a real issuer.
  const edgeIdentity = gatewayIdentity({
    auth: identity.auth,
    rateLimits: gatewayConfig.rateLimits,
    demoMissions:
      identity.provider && portOf.has('mission')
        ? { gameServer: DEV_SERVICE_CLIENTS.gameServer, missionAddress: `127.0.0.1:${portOf.get('mission')}` }
        : undefined,
  });
  const gateway = await createGateway({
    ...gatewayConfig,
    ...edgeIdentity,
    // The My Page web front end, from the same entry point as the API.
    staticDir: gatewayConfig.staticDir ?? SOURCE_WEB_DIST_DIR,
    registry,
    logger,
    upstreams: upstreamsFor(registry, (context) => (portOf.has(context) ? `127.0.0.1:${portOf.get(context)}` : undefined)),
  }).catch((error: unknown) => {
    throw portFailure(error, gatewayPort) ?? error;
  });
  // One process, one metrics port: every service's series (and the gateway's) are on it.
  const metrics = await startMetricsServer({ ...readMetricsAddress(), logger });
  logger.info('platform ready', {
    rest: gateway.url,
    grpc: Object.fromEntries(portOf),
    metrics: `http://127.0.0.1:${metrics.port}/metrics`,
    issuer: identity.auth.issuer,
  });

  stopOnSignals(async () => {
    await metrics.stop();
    await gateway.stop();
    edgeIdentity.close();
    for (const service of [...services].reverse()) await service.stop();
    await identity.stop();
    await infrastructure.close();
    await tracing.shutdown();
  }, logger);
});

/**
 * The wallet calls the gift service this process runs, on the port it actually got
 * (GIFT_GRPC_PORT, or a free one for 0), never another copy's: unless WALLET_GIFT_ADDRESS says
 * where. Gift starts before wallet (START_ORDER in services/contracts/service-catalog.ts).
 */
function walletCallsThisProcess(ports: ReadonlyMap<string, number>): Partial<WalletOverrides> | undefined {
  if (process.env.WALLET_GIFT_ADDRESS) return undefined;
  return { config: { giftAddress: `127.0.0.1:${ports.get('gift')}` } };
}
