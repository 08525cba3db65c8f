import { PlatformAuth } from '../auth/platform-auth.js';
import { ConfigError } from '../config/env-reader.js';
import { readPlatformConfig } from '../config/platform-config.js';
import { createLogger } from '../logging/logger.js';
import { Infrastructure } from './infrastructure.js';
import { stopOnSignals } from './process-lifecycle.js';
import type { ServiceModule } from './service-module.js';
import { runService } from './service-runner.js';

/** A service's whole `main`: read config, open its infrastructure, serve until a signal. */
export async function runStandalone<Overrides>(module: ServiceModule<Overrides>): Promise<void> {
  const config = readPlatformConfig();
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
  // A service alone starts no identity provider: it verifies the tokens of the one named.
  if (!config.auth.issuer) throw new ConfigError(`AUTH_ISSUER is required: ${module.name} verifies every call's token against that issuer (make up starts the development one and sets it)`);
  const auth = await PlatformAuth.discover({ issuer: config.auth.issuer, audience: config.auth.audience, jwksUrl: config.auth.jwksUrl });
  const infrastructure = await Infrastructure.open(config, logger, module.name);
  const service = await runService(module, {
    database: await infrastructure.database(module.name),
    bus: infrastructure.bus,
    config,
    logger,
    auth,
  });
  stopOnSignals(async () => {
    await service.stop();
    await infrastructure.close();
  }, logger);
}
