import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { eventually, sleep } from '#testing/eventually';
import { TestSystem } from '#testing/test-system';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * postgres 3.4.9 throws from a setImmediate when a connection closes while a small write waits
 * to be flushed (porsager/postgres #1154, #1208), which no caller can catch: the process dies.
 * patches/postgres+3.4.9.patch (applied by npm's postinstall) settles those writes with a
 * catchable CONNECTION_CLOSED instead. Without the patch this test's worker dies within a few
 * terminations.
 */
describe('Postgres backends terminated under small writes (the patched driver)', function () {
  this.timeout(90_000);
  let system: TestSystem;

  before(async () => {
    system = await TestSystem.create('servers');
  });
  after(() => system.close());

  it('keeps the process alive, rejects only the cut-off transactions, and keeps writing on fresh connections', async () => {
    const appName = `small-writes-${system.id}`;
    const worker = spawn(process.execPath, ['--import', 'tsx', 'test/support/workers/small-writes-worker.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: system.config.databaseUrl, APP_NAME: appName },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(worker, 'exit');
    await eventually(() => expect(output).to.include('ready'), { timeoutMs: 30_000 });

    // Terminate the pool's backends every 80 ms until 21 have been cut: the pool has to reconnect
    // for each round to find one, and on a loaded machine (the whole suite) that can take longer
    // than a round, so a fixed number of rounds cut as few as 11.
    let terminated = 0;
    const deadline = Date.now() + 30_000;
    while (terminated <= 20 && Date.now() < deadline) {
      await sleep(80);
      expect(worker.exitCode, 'the worker is still running').to.equal(null);
      const rows = await system.query<{ ok: boolean }>(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = '${appName}'`,
      );
      terminated += rows.length;
    }
    const before = output;
    // Writes go on after the last termination: the pool reconnects by itself.
    await eventually(async () => expect(await system.count('small_writes')).to.be.greaterThan(0));
    worker.stdin.end('stop\n');
    const [code] = (await exited) as [number | null];

    expect(code, `worker exit code (output: ${output})`).to.equal(0);
    const report = JSON.parse(output.slice(before.indexOf('ready') + 'ready'.length).trim()) as {
      committed: number;
      stored: number;
      failures: Record<string, number>;
      stuck: string[];
    };
    expect(terminated, 'backends terminated').to.be.greaterThan(20);
    expect(
      Object.values(report.failures).reduce((a, b) => a + b, 0),
      'transactions cut off by a termination',
    ).to.be.greaterThan(0);
    expect(Object.keys(report.failures)).to.satisfy((codes: string[]) =>
      codes.every((code) => ['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE', '57P01'].includes(code)),
    );
    expect(report.committed, 'transactions committed').to.be.greaterThan(0);
    // Every commit the worker saw is in the table. A few more rows are commits whose answer the
    // termination cut off (the client saw an error): never more than the transactions that failed
    // or were left pending. Services make those safe with idempotency keys; this shows the bound.
    const cutOff = Object.values(report.failures).reduce((a, b) => a + b, 0) + report.stuck.length;
    expect(report.stored - report.committed).to.be.within(0, cutOff);
  });
});
