/**
 * How long `npm start` takes to be ready and how much memory it then holds:
 *
 *   npx tsx bench/startup-bench.ts [--runs 3] [--command "npm start"]
 *
 * Runs the command with every port moved to a free one (so it never clashes with another copy),
 * times from spawn to the "platform ready" log line, and sums the resident memory (VmRSS) of
 * the whole process tree (npm, tsx and node) at that moment. Several runs; each is reported
 * and the median. Compare two versions in the same run of the machine: load changes the figures.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { SERVICE_NAMES } from '#contracts/service-catalog';
import { freePorts } from '#testing/free-ports';

const SERVICES = SERVICE_NAMES;

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** Resident memory of pid and every descendant, in MiB (Linux /proc). */
function treeRssMiB(root: number): number {
  const children = new Map<number, number[]>();
  let rssKiB = 0;
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      rss.set(Number(entry), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    rssKiB += rss.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return rssKiB / 1024;
}

async function measureOnce(command: string): Promise<{ readyMs: number; rssMiB: number }> {
  const ports = await freePorts(SERVICES.length + 2);
  // The identity provider too: its default (8090) may be another copy's.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GATEWAY_PORT: String(ports[SERVICES.length]),
    IDENTITY_PORT: String(ports[SERVICES.length + 1]),
    LOG_LEVEL: 'info',
  };
  for (const [i, service] of SERVICES.entries()) env[`${service.toUpperCase()}_GRPC_PORT`] = String(ports[i]);
  delete env.AUTH_ISSUER;
  delete env.DATABASE_URL;
  delete env.AMQP_URL;
  const started = performance.now();
  const child = spawn('bash', ['-c', command], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('"platform ready"')) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`exited with ${code} before ready:\n${output.slice(-2000)}`)));
    });
    const readyMs = performance.now() - started;
    // Memory a moment after ready, once start-up garbage had a chance to go.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { readyMs, rssMiB: treeRssMiB(child.pid as number) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-(child.pid as number), 'SIGTERM');
    await exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const runs = Number(argument('runs', '3'));
const command = argument('command', 'npm start');
const results: { readyMs: number; rssMiB: number }[] = [];
for (let run = 1; run <= runs; run += 1) {
  const result = await measureOnce(command);
  results.push(result);
  console.log(`run ${run}: ready in ${(result.readyMs / 1000).toFixed(2)} s, RSS ${result.rssMiB.toFixed(0)} MiB`);
}
console.log(
  `median of ${runs} (${command}): ready in ${(median(results.map((r) => r.readyMs)) / 1000).toFixed(2)} s, RSS ${median(results.map((r) => r.rssMiB)).toFixed(0)} MiB`,
);
// One JSON line last, for the bench suite (bench/run-suite.ts).
console.log(
  JSON.stringify({
    bench: 'startup',
    command,
    runs: results,
    medianReadyMs: Math.round(median(results.map((r) => r.readyMs))),
    medianRssMiB: Math.round(median(results.map((r) => r.rssMiB))),
  }),
);
