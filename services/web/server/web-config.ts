import { ConfigError, type Env, readBool, readInt, readString } from '../../platform/src/config/env-reader.js';
import type { LogLevel } from '../../platform/src/logging/logger.js';
import { WEB_DIST_DIR } from '../web-dist.js';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface WebConfig {
  readonly host: string;
  readonly port: number;
  /** The built front end (`npm run build:web`): index.html, styles.css, assets/. */
  readonly distDir: string;
  readonly logLevel: LogLevel;
  readonly logPretty: boolean;
}

/**
 * WEB_HOST (0.0.0.0), WEB_PORT (8090), WEB_DIST_DIR (services/web/dist beside this code, in the
 * image too), LOG_LEVEL (info), LOG_PRETTY (false).
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
  };
}
