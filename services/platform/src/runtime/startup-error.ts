import { ConfigError } from '../config/env-reader.js';

/**
 * A start-up failure the operator can fix (a port in use, a server that refuses the login, a
 * database that does not exist). Its message is the whole story on one line: what failed, which
 * variable or port, and what to do. Anything else reaching main is a bug and keeps its stack.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** The line written to stderr when a process cannot start. */
export function startupFailureText(error: unknown): string {
  if (error instanceof StartupError || error instanceof ConfigError) return `cannot start: ${error.message}`;
  const root = rootCause(error);
  const detail = root instanceof Error ? (root.stack ?? root.message) : String(root);
  return `cannot start (unexpected error, please report it): ${detail}`;
}

/** The innermost `cause` (drizzle wraps the driver's error as DrizzleQueryError's cause). */
export function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error && current.cause !== undefined; depth += 1) current = current.cause;
  return current;
}

/**
 * Runs an entry point's start-up; if it fails, says why on stderr, one line for the operator's
 * mistakes, and exits 1 (rather than an unhandled rejection's stack trace).
 */
export async function startOrExit(start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (error) {
    process.stderr.write(`${startupFailureText(error)}\n`);
    process.exit(1);
  }
}
