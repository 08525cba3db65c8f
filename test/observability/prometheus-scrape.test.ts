import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { rewardIssued } from '#contracts/events';
import { expectWalletToHold } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { call } from '#testing/grpc-call';
import { ProcessCluster } from '#testing/process-cluster';
import { TestSystem } from '#testing/test-system';
import { prometheusScrapeConfig } from '../../services/launcher/src/prometheus-scrape-config.js';

const PROMETHEUS = '/usr/bin/prometheus';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/**
 * Debian's real Prometheus scraping the `make up` topology (each service its own process, the
 * scrape configuration `make up` writes), then answering a query over its HTTP API.
 */
describe('Prometheus scrapes the make-up processes', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let cluster: ProcessCluster;
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let api: string;
  const customerId = `scrape-${randomUUID().slice(0, 8)}`;

  before(async () => {
    system = await TestSystem.create('servers');
    // Ports of its own (26000-26040, metrics 27000-27040).
    cluster = new ProcessCluster(system, { reward: 1, wallet: 2, mission: 1 }, { basePort: 26000 });
    await cluster.startAll();
    const missions = cluster.missionClient();
    for (let i = 0; i < 3; i += 1)
      await call(missions, missions.achieveMission, { customerId, eventCode: 'scrape', missionCode: `m-${i}` });
    await expectWalletToHold(system, customerId, 3, 60_000);

    dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
    writeFileSync(join(dir, 'prometheus.yml'), prometheusScrapeConfig(cluster.supervisor.running, 1));
    const port = await freePort();
    api = `http://127.0.0.1:${port}/api/v1`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    prometheus.stderr?.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
    prometheus.once('exit', (code) => {
      if (code !== null && code !== 0) console.error(`prometheus exited with ${code}:\n${log}`);
    });
  });

  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = once(prometheus, 'exit');
      prometheus.kill('SIGTERM');
      await exited;
    }
    await cluster?.stopAll();
    await system?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetch(`${api}/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as {
      status: string;
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    expect(body.status, promql).to.equal('success');
    return body.data.result;
  }

  it('every process is a healthy target, labelled with its service and pod', async () => {
    await eventually(
      async () => {
        const response = await fetch(`${api}/targets?state=active`);
        const body = (await response.json()) as { data: { activeTargets: { health: string; labels: Record<string, string> }[] } };
        const targets = body.data.activeTargets;
        expect(targets.map((target) => `${target.labels.app}/${target.labels.pod}`).sort()).to.deep.equal([
          'mission/mission-0',
          'reward/reward-0',
          'wallet/wallet-0',
          'wallet/wallet-1',
        ]);
        for (const target of targets) expect(target.health, target.labels.pod).to.equal('up');
      },
      { timeoutMs: 60_000 },
    );
  });

  it('answers queries over its HTTP API with what the services did: 3 missions, 3 rewards, 3 credits over the wallet replicas', async () => {
    await eventually(
      async () => {
        expect(Number((await query('sum(missions_achieved_total)'))[0]?.value[1])).to.equal(3);
        expect(Number((await query('sum(rewards_issued_total)'))[0]?.value[1])).to.equal(3);
        expect(
          Number(
            (await query(`sum(events_consumed_total{app="wallet", outcome="applied", event_type="${rewardIssued.name}"})`))[0]?.value[1],
          ),
        ).to.equal(3);
        const pending = await query('max by (service) (outbox_pending_events)');
        expect(pending.map((sample) => sample.metric.service).sort()).to.deep.equal(['mission', 'reward', 'wallet']);
        for (const sample of pending) expect(Number(sample.value[1]), sample.metric.service).to.equal(0);
      },
      { timeoutMs: 60_000 },
    );
  });
});
