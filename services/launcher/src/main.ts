/**
 * `npm start`: the whole platform in one process. With DATABASE_URL / AMQP_URL unset it runs on
 * the embedded defaults (one PGlite, the in-process event transport), so a fresh machine
 * needs nothing installed; set them to use the real servers. Each service still has its own
 * port, schema, queue and outbox, exactly as when it runs alone (services/<name>/src/main.ts).
 */
import { readPlatformConfig } from '../../platform/src/config/platform-config.js';
import { createLogger } from '../../platform/src/logging/logger.js';
import { Infrastructure } from '../../platform/src/runtime/infrastructure.js';
import { stopOnSignals } from '../../platform/src/runtime/process-lifecycle.js';
import { runService, type RunningService } from '../../platform/src/runtime/service-runner.js';
import { SERVICE_MODULES } from './service-catalog.js';

const config = readPlatformConfig();
const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
const infrastructure = await Infrastructure.open(config, logger, 'launcher');
logger.info('starting the platform', infrastructure.mode);

const services: RunningService[] = [];
for (const module of SERVICE_MODULES) {
  services.push(await runService(module, { database: await infrastructure.database(module.name), bus: infrastructure.bus, config, logger }));
}
logger.info('platform ready', { ports: Object.fromEntries(services.map((service) => [service.name, service.port])) });

stopOnSignals(async () => {
  for (const service of [...services].reverse()) await service.stop();
  await infrastructure.close();
}, logger);
