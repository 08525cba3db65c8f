import { expect } from 'chai';
import { eventually } from '#testing/eventually';
import { ProcessCluster } from '#testing/process-cluster';
import { TestSystem } from '#testing/test-system';
import { type RestartEvent, waitUntilServing } from '../../services/launcher/src/process-supervisor.js';

/**
 * `make up`'s supervisor (the ProcessSupervisor with a restart policy, as local-cluster.ts
 * runs it) restarts a replica that dies, as a kubelet restarts a container: a real SIGKILL of
 * the OS process, a new process on the same port, SERVING again, with the restarts counted.
 */
describe('Supervised replicas (make up restarts what crashes)', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let cluster: ProcessCluster;
  const events: RestartEvent[] = [];

  before(async () => {
    system = await TestSystem.create('servers');
    cluster = new ProcessCluster(
      system,
      { mission: 1 },
      {
        restart: { initialBackoffMs: 300, maxBackoffMs: 5_000, resetAfterMs: 60_000, onEvent: (event) => events.push(event) },
      },
    );
    await cluster.startAll();
  });
  after(async () => {
    await cluster?.stopAll();
    await system?.close();
  });

  it('restarts a SIGKILLed replica on its port with a doubling backoff, counts and reports each restart, and serves again', async () => {
    for (const expectedRestarts of [1, 2]) {
      const victim = cluster.replica('mission', 0);
      process.kill(victim.child.pid as number, 'SIGKILL');
      await eventually(() => expect(events.filter((e) => e.kind === 'restarted')).to.have.length(expectedRestarts), { timeoutMs: 60_000 });
      const replacement = cluster.replica('mission', 0);
      expect(replacement.child.pid).to.not.equal(victim.child.pid);
      expect(replacement.port).to.equal(victim.port);
      expect(cluster.supervisor.restarts('mission', 0)).to.equal(expectedRestarts);
    }
    const crashes = events.filter((e) => e.kind === 'crashed');
    expect(crashes.map((e) => e.signal)).to.deep.equal(['SIGKILL', 'SIGKILL']);
    // A crash soon after the last one waits twice as long (CrashLoopBackOff).
    expect(crashes.map((e) => e.delayMs)).to.deep.equal([300, 600]);
    // The replacement answers health checks on the replica's port (the 'restarted' event waited for it).
    await waitUntilServing(`127.0.0.1:${cluster.replica('mission', 0).port}`, cluster.replica('mission', 0).child, 10_000);
  });

  it('does not restart a replica stopped on purpose (SIGTERM through the supervisor)', async () => {
    const before = events.length;
    await cluster.supervisor.stop(cluster.replica('mission', 0));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(events.slice(before)).to.deep.equal([]);
    expect(cluster.supervisor.running.filter((p) => p.service === 'mission')).to.have.length(0);
  });
});
