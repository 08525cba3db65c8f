/**
 * The embedded development identity provider on its own (`make up` runs it beside the service
 * processes, which find it through AUTH_ISSUER). Refused when AUTH_ISSUER is set here.
 * IDENTITY_<CLIENT>_CLIENT_SECRET (dev-clients.ts) replaces a development client's public secret.
 */
import { readAuthConfig } from '#platform/auth/auth-config';
import { readOptionalString } from '#platform/config/env-reader';
import { readPlatformConfig } from '#platform/config/platform-config';
import { createLogger } from '#platform/logging/logger';
import { stopOnSignals } from '#platform/runtime/process-lifecycle';
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
