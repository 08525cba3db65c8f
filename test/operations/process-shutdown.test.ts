import { expect } from 'chai';
import { type MissionServiceClient, MissionServiceService } from '#contracts/generated/game/mission/v1/mission_service';
import { serviceNameOf } from '#platform/grpc/service-name';
import { createLogger } from '#platform/logging/logger';
import { expectWalletToHold } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { call } from '#testing/grpc-call';
import { ProcessCluster } from '#testing/process-cluster';
import { TestSystem } from '#testing/test-system';
import { createGateway } from '../../services/gateway/src/create-gateway.js';

/** Calls that must succeed between two steps of a test, so each step happens under load. */
const PROGRESS = 20;

async function ranOn(succeeded: () => number, more: number): Promise<void> {
  const target = succeeded() + more;
  await eventually(() => expect(succeeded(), 'calls succeeded under load').to.be.at.least(target), { timeoutMs: 60_000 });
}

/** Sends AchieveMission calls back to back (several in flight) until stopped; counts what happened. */
function runLoad(client: MissionServiceClient, customerId: string, concurrency = 4) {
  let running = true;
  let next = 0;
  const failures: string[] = [];
  let succeeded = 0;
  const worker = async () => {
    while (running) {
      const missionCode = `m-${next++}`;
      try {
        await call(client, client.achieveMission, { customerId, eventCode: 'ops', missionCode });
        succeeded += 1;
      } catch (error) {
        failures.push(`${missionCode}: ${(error as Error).message}`);
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    /** Resolves once `more` further calls have succeeded: the load ran on past this point. */
    async ranOn(more = PROGRESS) {
      await ranOn(() => succeeded, more);
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      return { succeeded, failures };
    },
  };
}

/**
 * The local multi-process mode (`make up`): services as OS processes on the real servers.
 * Graceful shutdown on SIGTERM (readiness off, calls and messages drained) loses no request and
 * no event; a crash (SIGKILL) loses nothing either; a rolling restart fails no request.
 */
describe('Services as processes: SIGTERM, SIGKILL and rolling restarts under load', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let cluster: ProcessCluster;

  before(async () => {
    system = await TestSystem.create('servers');
    cluster = new ProcessCluster(system, { reward: 2, wallet: 1, mission: 2 });
    await cluster.startAll();
  });

  after(async () => {
    await cluster?.stopAll();
    await system?.close();
  });

  it('SIGTERM to a consumer replica during load loses no event: every mission ends in the wallet once', async () => {
    const load = runLoad(cluster.missionClient(), 'ops-term');
    await load.ranOn();
    expect(await cluster.supervisor.stop(cluster.replica('reward', 0), 'SIGTERM')).to.equal(0);
    await load.ranOn();
    await cluster.startReplica('reward', 0);
    await load.ranOn();
    const { succeeded, failures } = await load.stop();
    expect(failures).to.deep.equal([]);
    await expectWalletToHold(system, 'ops-term', succeeded, 60_000);
  });

  it('SIGKILL (a crash) of a consumer replica during load loses nothing and doubles nothing', async () => {
    const load = runLoad(cluster.missionClient(), 'ops-kill');
    await load.ranOn();
    await cluster.supervisor.stop(cluster.replica('reward', 1), 'SIGKILL');
    await load.ranOn();
    await cluster.startReplica('reward', 1);
    await load.ranOn();
    const { succeeded, failures } = await load.stop();
    expect(failures).to.deep.equal([]);
    await expectWalletToHold(system, 'ops-kill', succeeded, 60_000);
  });

  it('a rolling restart of the mission service under load fails no request, and every accepted mission is rewarded', async () => {
    const load = runLoad(cluster.missionClient(), 'ops-roll');
    await load.ranOn();
    await cluster.supervisor.rollingRestart('mission');
    await load.ranOn();
    const { succeeded, failures } = await load.stop();
    expect(failures.slice(0, 5), `failed requests (${failures.length})`).to.deep.equal([]);
    expect(succeeded).to.be.greaterThan(0);
    await expectWalletToHold(system, 'ops-roll', succeeded, 60_000);
  });

  it('a rolling restart of every consumer under load loses no event', async () => {
    const load = runLoad(cluster.missionClient(), 'ops-roll-all');
    await load.ranOn();
    await cluster.supervisor.rollingRestart('reward');
    await cluster.supervisor.rollingRestart('wallet');
    const { succeeded, failures } = await load.stop();
    expect(failures).to.deep.equal([]);
    await expectWalletToHold(system, 'ops-roll-all', succeeded, 60_000);
  });

  it('a rolling restart under load through the REST gateway fails no request', async () => {
    const gateway = await createGateway({
      upstreams: { [serviceNameOf(MissionServiceService)]: cluster.target('mission') },
      port: 0,
      host: '127.0.0.1',
      logger: createLogger({ level: 'silent' }),
      // The game server's token; its bucket sized past this load, which is about restarts, not limits.
      access: {
        verify: (token) => system.identity.auth.verifier.verify(token),
        rateLimits: { 'client-writes': { size: 1_000_000, tokensPerRefill: 1_000_000, refillIntervalMs: 1000 } },
      },
    });
    // The game server's token: the processes verify it against the test system's provider.
    const authorization = `Bearer ${await system.tokens.token('game-server')}`;
    let running = true;
    let next = 0;
    let succeeded = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (running) {
        const response = await fetch(`${gateway.url}/v1/missions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ customerId: 'ops-rest', eventCode: 'ops', missionCode: `r-${next++}` }),
        }).catch((error: Error) => ({ ok: false, status: 0, text: async () => error.message }));
        if (response.ok) succeeded += 1;
        else failures.push(`${response.status} ${await response.text()}`);
      }
    };
    try {
      const workers = Array.from({ length: 4 }, worker);
      await ranOn(() => succeeded, PROGRESS);
      await cluster.supervisor.rollingRestart('mission');
      await cluster.supervisor.rollingRestart('reward');
      await ranOn(() => succeeded, PROGRESS);
      running = false;
      await Promise.all(workers);
    } finally {
      await gateway.stop();
    }
    expect(failures.slice(0, 5), `failed REST requests (${failures.length})`).to.deep.equal([]);
    await expectWalletToHold(system, 'ops-rest', succeeded, 60_000);
  });

  it('a gracefully stopped service exits with code 0 after draining', async () => {
    const client = cluster.missionClient();
    await call(client, client.achieveMission, { customerId: 'ops-exit', eventCode: 'ops', missionCode: 'one' });
    const code = await cluster.supervisor.stop(cluster.replica('wallet', 0), 'SIGTERM');
    expect(code).to.equal(0);
    await cluster.startReplica('wallet', 0);
    await expectWalletToHold(system, 'ops-exit', 1);
  });
});
