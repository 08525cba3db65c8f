/**
 * Prints a development access token from the embedded identity provider (npm start runs it on
 * IDENTITY_PORT, default 8090), for curl and grpcurl:
 *
 *   TOKEN=$(npm run -s token -- --role player --customer 11)
 *   curl -H "authorization: Bearer $TOKEN" http://localhost:8080/v1/wallets/11
 *
 * Roles: player (--customer <id>: signs in through the real code + PKCE flow), game-server,
 * operator, courier, service, platform-admin (client credentials of the development clients).
 * --issuer <url> (or AUTH_ISSUER) points at another development provider.
 */
import { parseArgs } from 'node:util';
import { readAuthConfig } from '#platform/auth/auth-config';
import { DEV_ROLES, type DevRole, DevTokenClient } from '../services/identity/src/dev-token-client.js';

const { values } = parseArgs({
  options: { role: { type: 'string', default: 'player' }, customer: { type: 'string' }, issuer: { type: 'string' } },
});
const role = values.role as DevRole;
if (!DEV_ROLES.includes(role)) {
  process.stderr.write(`--role must be one of ${DEV_ROLES.join(', ')}\n`);
  process.exit(2);
}
const auth = readAuthConfig();
const issuer = values.issuer ?? auth.issuer ?? `http://localhost:${auth.identityPort}`;
try {
  const client = await DevTokenClient.discover(issuer);
  process.stdout.write(`${await client.token(role, values.customer)}\n`);
} catch (error) {
  process.stderr.write(
    `no token from ${issuer}: ${error instanceof Error ? error.message : String(error)} (is npm start running? IDENTITY_PORT?)\n`,
  );
  process.exit(1);
}
