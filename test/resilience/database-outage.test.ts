import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { HealthClient, HealthCheckResponse_ServingStatus as Serving } from '#contracts/generated/grpc/health/v1/health';
import { LIVENESS_HEALTH_SERVICE } from '#platform/runtime/database-health';
import { missionAchievedEvent } from '#testing/chain-helpers';
import { eventually, sleep } from '#testing/eventually';
import { call, callError, insecure } from '#testing/grpc-call';
import { missionModule, rewardModule } from '#testing/platform-modules';
import { TcpProxy } from '#testing/tcp-proxy';
import { TEST_DATABASE_URL, TestSystem } from '#testing/test-system';

/** Small thresholds so the test is quick; the manifests' probes follow the defaults' ratios. */
const HEALTH = { HEALTH_CHECK_MS: '200', HEALTH_DATABASE_READINESS_MS: '1500', HEALTH_DATABASE_LIVENESS_MS: '4000' };

function healthOf(address: string, service: string): Promise<Serving> {
  const client = new HealthClient(address, insecure());
  return call(client, client.check, { service })
    .then((response) => response.status)
    .finally(() => client.close());
}

/**
 * The services reach Postgres through a proxy the test cuts: every connection reset, new ones
 * refused, as when the database host goes away. Nothing about the requests or the events is
 * wrong meanwhile, so nothing may be answered as a bug or dead-lettered.
 */
describe('Database outage (services cut off from Postgres, then reconnected)', function () {
  this.timeout(90_000);
  let proxy: TcpProxy;
  let system: TestSystem;

  before(async () => {
    const database = new URL(TEST_DATABASE_URL);
    proxy = await TcpProxy.start(database.hostname, Number(database.port || 5432));
    system = await TestSystem.create('servers', HEALTH, { databaseVia: `127.0.0.1:${proxy.port}` });
    await system.start(missionModule);
    await system.start(rewardModule);
  });
  after(async () => {
    proxy.restore();
    await system.close();
    await proxy.close();
  });
  afterEach(() => proxy.restore());

  it('answers a write UNAVAILABLE naming the database while it is away (never INTERNAL), and serves it once it is back', async () => {
    const missions = system.missionClient();
    const request = { customerId: 'outage-rpc', eventCode: 'test-event', missionCode: 'during-outage' };
    proxy.cut();
    const error = await callError(missions, missions.achieveMission, request);
    expect(error.code, error.details).to.equal(status.UNAVAILABLE);
    expect(error.details).to.match(/^database unavailable/);
    expect(error.metadata.get('error-code')).to.deep.equal(['DATABASE_UNAVAILABLE']);
    proxy.restore();
    const mission = await eventually(() => call(missions, missions.achieveMission, request), { timeoutMs: 20_000 });
    expect(mission.customerId).to.equal('outage-rpc');
  });

  it('reports NOT_SERVING past the readiness threshold while staying live, fails liveness past the longer one, and returns to SERVING by itself when the database is back', async () => {
    const address = system.address('mission');
    expect(await healthOf(address, '')).to.equal(Serving.SERVING);
    const cutAt = Date.now();
    proxy.cut();
    await eventually(async () => expect(await healthOf(address, '')).to.equal(Serving.NOT_SERVING), { timeoutMs: 10_000, intervalMs: 100 });
    const notReadyAfter = Date.now() - cutAt;
    expect(notReadyAfter, 'not ready only after the readiness threshold').to.be.at.least(1500);
    expect(await healthOf(address, LIVENESS_HEALTH_SERVICE), 'still live before the liveness threshold').to.equal(Serving.SERVING);
    await eventually(async () => expect(await healthOf(address, LIVENESS_HEALTH_SERVICE)).to.equal(Serving.NOT_SERVING), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    expect(Date.now() - cutAt, 'not live only after the liveness threshold').to.be.at.least(4000);
    proxy.restore();
    await eventually(
      async () => {
        expect(await healthOf(address, '')).to.equal(Serving.SERVING);
        expect(await healthOf(address, LIVENESS_HEALTH_SERVICE)).to.equal(Serving.SERVING);
      },
      { timeoutMs: 20_000 },
    );
  });

  it('holds events that arrive while the database is away, far longer than their retries would last, and applies each once after it returns: none dead-lettered', async () => {
    proxy.cut();
    const events = Array.from({ length: 5 }, () => missionAchievedEvent(randomUUID(), 'outage-events'));
    await system.publish(events);
    // EVENTS_MAX_ATTEMPTS is 3 with 100 ms between attempts: retries spent on the outage would
    // have dead-lettered every event many times over by now.
    await sleep(3_000);
    expect(await system.deadLetterCount('reward')).to.equal(0);
    proxy.restore();
    await eventually(async () => expect(await system.count('reward.rewards', `customer_id = 'outage-events'`)).to.equal(5), {
      timeoutMs: 30_000,
    });
    // Redelivering the same events after recovery changes nothing.
    await system.publish(events);
    await sleep(1_000);
    expect(await system.count('reward.rewards', `customer_id = 'outage-events'`)).to.equal(5);
    expect(await system.deadLetterCount('reward')).to.equal(0);
  });
});
