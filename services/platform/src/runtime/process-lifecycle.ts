import type { Logger } from '../logging/logger.js';

/**
 * Keeps a process up until SIGTERM or SIGINT, then shuts down gracefully once. A second signal,
 * or a shutdown that takes longer than the grace period, exits at once.
 */
export function stopOnSignals(shutdown: () => Promise<void>, logger: Logger, graceMs = 20_000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info('shutting down', { signal });
    setTimeout(() => process.exit(1), graceMs).unref();
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
