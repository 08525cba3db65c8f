import { createServer } from 'node:net';

/**
 * n TCP ports nothing listens on right now, all different: each is bound at once (so two can't
 * be the same) and then released for the process under test to take.
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '0.0.0.0', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Where freePortsBelowEphemeral looks: below Linux's ephemeral range, clear of `make up`'s 30051+. */
const BAND_START = 28_000;
const BAND_SIZE = 900;

/**
 * Every port (companions included) handed out by freePortsBelowEphemeral in this test process.
 * Two copies started side by side ask at the same moment: each would find the other's ports
 * still free (nothing listens there yet) and both would take them.
 */
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/**
 * n free ports for a copy of the platform whose processes also listen at fixed distances from
 * each (`companions`: a second replica at + 100, metrics at + 1000 and + 1100, as `make up` lays
 * them out), all free now. Taken from 28000-28899, below Linux's ephemeral range (32768-60999):
 * a port there can be taken at any moment as the source port of some outgoing connection, and
 * freePorts' ports are in it; the companions were never checked at all.
 */
export async function freePortsBelowEphemeral(n: number, companions: readonly number[] = [100, 1000, 1100]): Promise<number[]> {
  const found: number[] = [];
  const start = Math.floor(Math.random() * BAND_SIZE);
  for (let i = 0; i < BAND_SIZE && found.length < n; i++) {
    const port = BAND_START + ((start + i) % BAND_SIZE);
    const claims = [port, ...companions.map((distance) => port + distance)];
    if (claims.some((claim) => handedOut.has(claim))) continue;
    // Claimed before the check awaits, so a concurrent call skips them too.
    for (const claim of claims) handedOut.add(claim);
    if ((await Promise.all(claims.map(bindable))).every(Boolean)) found.push(port);
    else for (const claim of claims) handedOut.delete(claim);
  }
  if (found.length < n) throw new Error(`only ${found.length} of ${n} ports free in ${BAND_START}-${BAND_START + BAND_SIZE - 1}`);
  return found;
}
