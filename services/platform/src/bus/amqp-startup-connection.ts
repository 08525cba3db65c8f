import amqp, { type ChannelModel } from 'amqplib';
import { redactedUrl } from '../config/redacted-url.js';
import type { Logger } from '../logging/logger.js';
import { StartupError } from '../runtime/startup-error.js';

export interface AmqpStartupOptions {
  readonly url: string;
  readonly connectionName: string;
  /** Connection attempts after the first before start-up gives up (later reconnects never do). */
  readonly retries: number;
  /** Runs after every (re)connect, before the connection counts as ready. */
  readonly setup: (model: ChannelModel) => Promise<void>;
  readonly logger: Logger;
}

/** What the broker's answer means when retrying cannot change it, or undefined if it might. */
function permanentRefusal(error: Error, shown: string): string | undefined {
  if (/ACCESS[-_]REFUSED|\b403\b/.test(error.message))
    return `RabbitMQ at ${shown} refused the login (ACCESS_REFUSED): check the user and password in AMQP_URL`;
  // The broker closes the connection instead of opening it: no such vhost, or the user may not use it.
  if (/NOT[-_]ALLOWED|\b530\b|Expected ConnectionOpenOk/.test(error.message)) {
    return `RabbitMQ at ${shown} would not open the virtual host (NOT_ALLOWED): check the vhost in AMQP_URL and the user's permissions on it`;
  }
  return undefined;
}

/**
 * amqplib's recovering connection, opened so an operator sees what happens: every attempt is
 * logged with the broker's URL (no password); a refusal retrying cannot fix ends the start-up at
 * once; other failures are retried `retries` times, then one line says what to do. Once
 * connected, amqplib recovers lost connections by itself, without limit.
 */
export async function openAmqpConnection(options: AmqpStartupOptions): Promise<amqp.RecoveringChannelModel> {
  const { logger } = options;
  const shown = redactedUrl(options.url);
  const connection = await amqp.connect(options.url, {
    clientProperties: { connection_name: options.connectionName },
    // Small frames go out at once: Nagle's delay added tens of milliseconds per hop.
    noDelay: true,
    recovery: {
      initialDelay: 100,
      maxDelay: 5000,
      initialMaxRetries: options.retries,
      setup: options.setup,
      // Listeners go on first; the first attempt starts on the next turn of the event loop.
      waitForConnect: false,
    },
  });
  let connected = false;
  let attempt = 1;
  let refusal: string | undefined;
  let lastError: Error | undefined;
  logger.info('connecting to RabbitMQ', { url: shown, attempt, of: options.retries + 1 });
  connection.on('connect-failed', (error: Error) => {
    lastError = error;
    if (connected) return;
    refusal = permanentRefusal(error, shown);
    if (refusal) void connection.close();
    else logger.warn('RabbitMQ connection attempt failed', { url: shown, attempt, error: error.message });
  });
  connection.on('reconnect-scheduled', ({ attempt: retry, delay }: { attempt: number; delay: number }) => {
    if (connected) return;
    attempt = retry + 1;
    logger.info('connecting to RabbitMQ', { url: shown, attempt, of: options.retries + 1, inMs: delay });
  });
  try {
    await connection.waitForConnect();
    connected = true;
    return connection;
  } catch (error) {
    await connection.close().catch(() => {});
    if (refusal) throw new StartupError(refusal, { cause: lastError });
    const last = lastError ?? (error as Error);
    const code = (last as { code?: string }).code;
    throw new StartupError(
      `RabbitMQ at ${shown} did not accept a connection after ${attempt} attempts (last: ${code ? `${code}: ` : ''}${last.message}): start RabbitMQ, or fix AMQP_URL`,
      { cause: last },
    );
  }
}
