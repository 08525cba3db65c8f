import { createServer } from 'node:net';
import { StartupError } from './startup-error.js';

/** A port a process is about to listen on, and the variable that sets it. */
export interface PortClaim {
  readonly port: number;
  readonly host: string;
  readonly variable: string;
}

/**
 * The one-line reason a listen failed, if the operator can fix it (the port is taken, or needs
 * privileges), else undefined. Works for net's errors and grpc-js's "No address added ... EADDRINUSE".
 */
export function portFailure(error: unknown, claim: PortClaim): StartupError | undefined {
  const text = `${(error as { code?: string }).code ?? ''} ${error instanceof Error ? error.message : String(error)}`;
  if (text.includes('EADDRINUSE')) {
    return new StartupError(
      `port ${claim.port} is already in use (${claim.variable}): stop what listens there, or set ${claim.variable} to a free port`,
      { cause: error },
    );
  }
  if (text.includes('EACCES')) {
    return new StartupError(
      `port ${claim.port} needs privileges this process does not have (${claim.variable}): set ${claim.variable} to a port above 1023`,
      { cause: error },
    );
  }
  if (text.includes('EADDRNOTAVAIL')) {
    return new StartupError(`${claim.host} is not an address of this machine, so port ${claim.port} cannot be bound (${claim.variable})`, {
      cause: error,
    });
  }
  return undefined;
}

/**
 * Fails before any work starts when a port the process will need is taken: binds each (port 0
 * means "any free one" and is skipped) and lets it go at once. The real listen still maps its
 * own failure through portFailure, for the port someone takes in between.
 */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  for (const claim of claims) {
    if (claim.port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', (error) => reject(portFailure(error, claim) ?? error));
      probe.listen({ port: claim.port, host: claim.host, exclusive: true }, () => probe.close(() => resolve()));
    });
  }
}
