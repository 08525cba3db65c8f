/**
 * The My Page web front end as its own process: what the Kubernetes Deployment `web` runs
 * (`node services/web/server/main.js` in the image) and Envoy's edge routes `/`, `/index.html`,
 * `/styles.css` and `/assets/` to. `npm start` needs none of it: the embedded gateway serves the
 * same files beside the API. Configuration in web-config.ts (WEB_PORT, WEB_DIST_DIR, ...).
 *
 *   npm run build:web && npx tsx services/web/server/main.ts
 */
import { createLogger } from '#platform/logging/logger';
import { portFailure } from '#platform/runtime/port-check';
import { stopOnSignals } from '#platform/runtime/process-lifecycle';
import { StartupError, startOrExit } from '#platform/runtime/startup-error';
import { readWebConfig } from './web-config.js';
import { assertBuilt, createWebServer } from './web-server.js';

await startOrExit(async () => {
  const config = readWebConfig();
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty, base: { service: 'web' } });
  await assertBuilt(config.distDir).catch((error: Error) => {
    throw new StartupError(`${error.message} (or set WEB_DIST_DIR)`);
  });
  const web = createWebServer({ distDir: config.distDir, logger, signIn: config.signIn });
  const port = await web.listen(config.host, config.port).catch((error: unknown) => {
    throw portFailure(error, { port: config.port, host: config.host, variable: 'WEB_PORT' }) ?? error;
  });
  logger.info('web ready', { port, distDir: config.distDir });
  stopOnSignals(() => web.stop(), logger);
});
