/**
 * The embedded development identity provider on its own (`make up` runs it beside the service
 * processes, which find it through AUTH_ISSUER). Refused when AUTH_ISSUER is set here.
 * IDENTITY_<CLIENT>_CLIENT_SECRET (dev-clients.ts) replaces a development client's public secret.
 */
import { readAuthConfig } from '../../platform/src/auth/auth-config.js';
import { readOptionalString } from '../../platform/src/config/env-reader.js';
import { readPlatformConfig } from '../../platform/src/config/platform-config.js';
import { createLogger } from '../../platform/src/logging/logger.js';
import { stopOnSignals } from '../../platform/src/runtime/process-lifecycle.js';
import { devClientSecrets } from './dev-clients.js';
import { platformIdentity } from './platform-identity.js';

const config = readPlatformConfig();
const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
// IDENTITY_ISSUER_HOST: the host name in the issuer URL (default localhost), e.g. the provider's
// in-cluster name in the kind overlay, so pods and browsers see one issuer.
const issuerHost = readOptionalString(process.env, 'IDENTITY_ISSUER_HOST');
const identity = await platformIdentity(readAuthConfig(), logger, {
  ...(issuerHost ? { issuerHost } : {}),
  clientSecrets: devClientSecrets(process.env),
});
stopOnSignals(() => identity.stop(), logger);
