import { ConfigError, type Env, readBool, readInt, readOptionalString, readString } from '#platform/config/env-reader';
import type { LogLevel } from '#platform/logging/logger';
import { WEB_DIST_DIR } from '../web-dist.js';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface WebConfig {
  readonly host: string;
  readonly port: number;
  /** The built front end (`npm run build:web`): index.html, styles.css, assets/. */
  readonly distDir: string;
  readonly logLevel: LogLevel;
  readonly logPretty: boolean;
  /** What the page signs in with (GET /auth/config.json); absent without AUTH_ISSUER. */
  readonly signIn?: {
    readonly issuer: string;
    readonly clientId: string;
    readonly audience: string;
    readonly scope: string;
    readonly resource?: string;
  };
}

/**
 * WEB_HOST (0.0.0.0), WEB_PORT (8090), WEB_DIST_DIR (services/web/dist beside this code, in the
 * image too), LOG_LEVEL (info), LOG_PRETTY (false); for the page's sign-in AUTH_ISSUER (the
 * OpenID Connect issuer browsers reach), AUTH_AUDIENCE (game-event-rewards), WEB_AUTH_CLIENT_ID
 * (my-page-web, a public client: code + PKCE), WEB_AUTH_SCOPE (openid player) and
 * WEB_AUTH_RESOURCE (an RFC 8707 resource, for providers that want one).
 */
export function readWebConfig(env: Env = process.env): WebConfig {
  const logLevel = readString(env, 'LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    host: readString(env, 'WEB_HOST', '0.0.0.0'),
    port: readInt(env, 'WEB_PORT', 8090, { min: 0, max: 65535 }),
    distDir: readString(env, 'WEB_DIST_DIR', WEB_DIST_DIR),
    logLevel,
    logPretty: readBool(env, 'LOG_PRETTY', false),
    ...withSignIn(readSignIn(env)),
  };
}

function readSignIn(env: Env): WebConfig['signIn'] {
  const issuer = readOptionalString(env, 'AUTH_ISSUER');
  if (!issuer) return undefined;
  const resource = readOptionalString(env, 'WEB_AUTH_RESOURCE');
  return {
    issuer,
    clientId: readString(env, 'WEB_AUTH_CLIENT_ID', 'my-page-web'),
    audience: readString(env, 'AUTH_AUDIENCE', 'game-event-rewards'),
    scope: readString(env, 'WEB_AUTH_SCOPE', 'openid player'),
    ...(resource ? { resource } : {}),
  };
}

function withSignIn(signIn: WebConfig['signIn']): Pick<WebConfig, 'signIn'> {
  return signIn ? { signIn } : {};
}
