import postgres from 'postgres';
import { redactedUrl } from '../config/redacted-url.js';
import type { Logger } from '../logging/logger.js';
import { StartupError } from '../runtime/startup-error.js';
import { startupRetryDelayMs } from '../runtime/startup-retry.js';

/**
 * SQLSTATEs no retry can fix: the login is refused (class 28: no such role, wrong password,
 * pg_hba says no) or the database does not exist.
 */
const PERMANENT = new Map<string, string>([
  ['28P01', 'refused the password: check the user and password in'],
  ['28000', 'refused the login (no such role, or pg_hba.conf does not allow it): check the user in'],
  ['3D000', 'has no such database: create it, or fix the database name in'],
]);

export interface PostgresReadinessOptions {
  readonly url: string;
  /** The variable the URL came from, named in the messages (DATABASE_URL, WALLET_DATABASE_URL). */
  readonly variable: string;
  /** Attempts after the first before giving up. */
  readonly retries: number;
  readonly logger: Logger;
}

/**
 * Waits until Postgres answers `select 1` at the URL, logging each attempt with the URL (no
 * password). Gives up at once on a refusal retrying cannot fix, after `retries` more attempts
 * otherwise; either way with one StartupError line naming the variable and what to do. Run
 * before migrations, so the cause is not buried under DrizzleQueryError: Failed query: CREATE SCHEMA.
 */
export async function waitForPostgres(options: PostgresReadinessOptions): Promise<void> {
  const shown = redactedUrl(options.url);
  for (let attempt = 1; ; attempt += 1) {
    options.logger.info('connecting to Postgres', { url: shown, attempt, of: options.retries + 1 });
    const failure = await tryOnce(options.url);
    if (!failure) return;
    const code = (failure as { code?: string }).code ?? '';
    const permanent = PERMANENT.get(code);
    if (permanent)
      throw new StartupError(`Postgres at ${shown} ${permanent} ${options.variable} (${code}: ${failure.message})`, { cause: failure });
    if (attempt > options.retries) {
      throw new StartupError(
        `Postgres at ${shown} did not answer after ${attempt} attempts (last: ${code || failure.name}: ${failure.message}): start Postgres, or fix ${options.variable}`,
        { cause: failure },
      );
    }
    const delayMs = startupRetryDelayMs(attempt);
    options.logger.warn('Postgres connection attempt failed; retrying', {
      url: shown,
      attempt,
      retryInMs: delayMs,
      error: failure.message,
    });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

async function tryOnce(url: string): Promise<Error | undefined> {
  let sql: postgres.Sql | undefined;
  try {
    sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
    await sql`select 1`;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    await sql?.end({ timeout: 1 }).catch(() => {});
  }
}
