import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanEnv, copyAuthorizer, EntryPointProcess, movedPorts, PLATFORM_SERVICES } from '#testing/entry-point-process';
import { eventually } from '#testing/eventually';
import { TestSystem } from '#testing/test-system';
import { RestClient } from '../edge/support/rest-client.js';

/**
 * `make up` as a user runs it, on its own ports, database, exchange and state directory: it
 * serves My Page at / as `npm start` does (it answered a JSON 404), and its wallet calls its
 * own gift service on the moved port.
 */
describe('make up (every service its own process) with every port moved', function () {
  this.timeout(420_000);
  let system: TestSystem;
  let env: NodeJS.ProcessEnv;
  let rest: RestClient;
  let stateDir: string;

  before(async () => {
    system = await TestSystem.create('servers');
    for (const service of PLATFORM_SERVICES) system.trackQueue(service);
    const ports = await movedPorts();
    stateDir = mkdtempSync(join(tmpdir(), 'make-up-'));
    env = cleanEnv({
      ...ports.env,
      REPLICAS: '1',
      LOCAL_CLUSTER_DIR: stateDir,
      DATABASE_URL: system.config.databaseUrl as string,
      AMQP_URL: system.config.amqpUrl as string,
      EVENTS_EXCHANGE: system.config.eventsExchange,
      EVENTS_QUEUE_PREFIX: system.config.queuePrefix,
      GRPC_HOST: '127.0.0.1',
    });
    const up = EntryPointProcess.start(['make', '-s', 'up'], env, { shell: true });
    const code = await up.waitForExit(360_000);
    expect(code, up.tail()).to.equal(0);
    // make up runs its own development identity provider on the moved IDENTITY_PORT.
    rest = new RestClient(`http://127.0.0.1:${ports.gateway}`, await copyAuthorizer(ports.identity, '41'));
  });

  after(async () => {
    if (env) await EntryPointProcess.start(['make', '-s', 'down'], env, { shell: true }).waitForExit(60_000);
    await system?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('serves My Page at / (HTML that loads its bundle), and the bundle itself', async () => {
    const page = await rest.get('/');
    expect(page.status, page.text.slice(0, 300)).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(page.text).to.include('<title>My Page');
    const bundle = /src="(\/assets\/app-[^"]+\.js)"/.exec(page.text)?.[1];
    expect(bundle, page.text).to.be.a('string');
    const script = await fetch(`${rest.baseUrl}${bundle}`);
    expect(script.status).to.equal(200);
    expect(script.headers.get('content-type')).to.match(/javascript/);
  });

  it('an exchange spends the reward and ships from the gift service of this copy (on its moved port)', async () => {
    expect((await rest.post('/v1/gifts', { giftId: 'up-badge', name: 'Up badge', stockCount: 2 })).status).to.equal(200);
    const achieved = await rest.post('/v1/missions', { customerId: '41', eventCode: 'make-up', missionCode: 'first-win' });
    expect(achieved.status, achieved.text).to.equal(200);
    const rewardId = await eventually(
      async () => {
        const mission = await rest.get(`/v1/missions/${achieved.body.missionId}`);
        expect(mission.body.rewardId, mission.text).to.be.a('string').and.not.equal('');
        return mission.body.rewardId as string;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const exchanged = await rest.post(`/v1/wallets/41/rewards/${rewardId}:exchange`, { giftId: 'up-badge', idempotencyKey: 'make-up-1' });
    expect(exchanged.status, exchanged.text).to.equal(200);
    await eventually(
      async () => {
        const order = await rest.get(`/v1/gift-orders/${exchanged.body.orderId}`);
        expect(order.body.status, order.text).to.equal('GIFT_ORDER_STATUS_SHIPPING');
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(await system.count('gift.gift_orders', `customer_id = '41'`)).to.equal(1);
  });
});
