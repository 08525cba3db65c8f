/**
 * The My Page web front end as its own process: what the Kubernetes Deployment `web` runs
 * (`node services/web/server/main.js` in the image) and Envoy's edge routes `/`, `/index.html`,
 * `/styles.css` and `/assets/` to. `npm start` needs none of it: the embedded gateway serves the
 * same files beside the API. Configuration in web-config.ts (WEB_PORT, WEB_DIST_DIR, ...).
 *
 *   npm run build:web && npx tsx services/web/server/main.ts
 */
import { createLogger } from '../../platform/src/logging/logger.js';
import { stopOnSignals } from '../../platform/src/runtime/process-lifecycle.js';
import { readWebConfig } from './web-config.js';
import { assertBuilt, createWebServer } from './web-server.js';

const config = readWebConfig();
const logger = createLogger({ level: config.logLevel, pretty: config.logPretty, base: { service: 'web' } });
await assertBuilt(config.distDir);
const web = createWebServer({ distDir: config.distDir, logger, signIn: config.signIn });
const port = await web.listen(config.host, config.port);
logger.info('web ready', { port, distDir: config.distDir });
stopOnSignals(() => web.stop(), logger);
