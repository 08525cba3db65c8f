import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { sleep } from '#testing/eventually';
import { expectEachMissionCreditedOnce, steadyMissionLoad } from '#testing/mission-load';
import { ProcessCluster } from '#testing/process-cluster';
import { TestSystem } from '#testing/test-system';
import type { RestartEvent } from '../../services/launcher/src/process-supervisor.js';

/**
 * Issue 10 as an operator tried it: `make up`-style processes (two replicas each of mission,
 * reward and wallet, under the supervisor with its restart policy) under a steady AchieveMission
 * load while every backend of their database is terminated, several times. No process dies
 * (the supervisor restarts nothing), a call that was cut answers UNAVAILABLE (never INTERNAL),
 * and every mission is credited exactly once once the load is over.
 */
describe('Postgres backends terminated under load (make up processes, 2 replicas each)', function () {
  this.timeout(240_000);
  let system: TestSystem;
  let cluster: ProcessCluster;
  const events: RestartEvent[] = [];

  before(async () => {
    system = await TestSystem.create('servers');
    cluster = new ProcessCluster(
      system,
      { wallet: 2, reward: 2, mission: 2 },
      {
        restart: { initialBackoffMs: 300, maxBackoffMs: 5_000, resetAfterMs: 60_000, onEvent: (event) => events.push(event) },
        // Six processes on a Postgres shared with other suites (max_connections 100).
        env: { DATABASE_POOL_SIZE: '3' },
      },
    );
    await cluster.startAll();
  });
  after(async () => {
    await cluster?.stopAll();
    await system?.close();
  });

  it('keeps every process alive, answers cut calls UNAVAILABLE, and credits every mission exactly once', async () => {
    const missions = cluster.missionClient();
    const terminations: number[] = [];
    try {
      // Five rounds of terminating every backend of the services' database, while the load runs.
      const scenario = (async () => {
        for (let round = 0; round < 5; round += 1) {
          await sleep(1_000);
          const rows = await system.query<{ ok: boolean }>(
            `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
          );
          terminations.push(rows.length);
        }
        await sleep(1_000);
      })();
      const load = steadyMissionLoad(missions, { customerPrefix: 'pgkill', count: 200, intervalMs: 20, until: scenario });
      await scenario;
      const result = await load;
      process.stderr.write(
        `      terminated ${terminations.join(', ')} backends; failed calls by code: ${JSON.stringify(Object.fromEntries(result.failures))}; ${result.committedBeforeCut} had committed before the cut\n`,
      );
      expect(
        terminations.every((n) => n > 0),
        'every round terminated backends',
      ).to.equal(true);
      const codes = [...result.failures.keys()];
      expect(
        codes.filter((code) => code !== status.UNAVAILABLE && code !== status.DEADLINE_EXCEEDED),
        'failure codes',
      ).to.deep.equal([]);
      expect(result.failures.has(status.INTERNAL)).to.equal(false);

      await expectEachMissionCreditedOnce(system, 'pgkill', result.missions);
    } finally {
      missions.close();
    }
    expect(events, 'supervisor events (crashes, restarts)').to.deep.equal([]);
    for (const service of ['mission', 'reward', 'wallet'])
      for (const replica of [0, 1]) {
        expect(cluster.supervisor.restarts(service, replica), `${service}#${replica} restarts`).to.equal(0);
        expect(cluster.replica(service, replica).child.exitCode, `${service}#${replica} running`).to.equal(null);
      }
    for (const service of ['reward', 'wallet']) expect(await system.deadLetterCount(service), `${service} dead letters`).to.equal(0);
  });
});
