import { PlatformAuth } from '../auth/platform-auth.js';
import { ConfigError } from '../config/env-reader.js';
import { readPlatformConfig } from '../config/platform-config.js';
import { createLogger } from '../logging/logger.js';
import { readMetricsAddress, startMetricsServer } from '../metrics/metrics-server.js';
import { startTracing } from '../telemetry/tracing.js';
import { Infrastructure } from './infrastructure.js';
import { checkBeforeStart } from './preflight.js';
import { stopOnSignals } from './process-lifecycle.js';
import type { ServiceModule } from './service-module.js';
import { runService } from './service-runner.js';
import { startOrExit } from './startup-error.js';

/**
 * A service's whole `main`: check the configuration, open its infrastructure, serve until a
 * signal. A start-up failure the operator can fix ends the process with one line on stderr.
 */
export async function runStandalone<Overrides>(module: ServiceModule<Overrides>): Promise<void> {
  await startOrExit(async () => {
    const config = readPlatformConfig();
    await checkBeforeStart([module as ServiceModule<never>], config, process.env);
    // A service alone starts no identity provider: it verifies the tokens of the one named.
    if (!config.auth.issuer)
      throw new ConfigError(
        `AUTH_ISSUER is required: ${module.name} verifies every call's token against that issuer (make up starts the development one and sets it)`,
      );
    const tracing = await startTracing(module.name);
    const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
    logger.info('starting', { service: module.name });
    const infrastructure = await Infrastructure.open(config, logger, module.name);
    const auth = await PlatformAuth.discover({ issuer: config.auth.issuer, audience: config.auth.audience, jwksUrl: config.auth.jwksUrl });
    const service = await runService(module, {
      database: await infrastructure.database(module.name),
      bus: infrastructure.bus,
      config,
      logger,
      auth,
    });
    const metrics = await startMetricsServer({ ...readMetricsAddress(), logger });
    stopOnSignals(async () => {
      await metrics.stop();
      await service.stop();
      await infrastructure.close();
      await tracing.shutdown();
    }, logger);
  });
}
