import { expect } from 'chai';
import { cleanEnv, copyAuthorizer, EntryPointProcess, movedPorts } from '#testing/entry-point-process';
import { eventually } from '#testing/eventually';
import { RestClient } from '../edge/support/rest-client.js';

/** `npm start`'s platform, on its own ports, as a second copy on the same machine runs it. */
async function startCopy(): Promise<{ process: EntryPointProcess; rest: RestClient }> {
  const ports = await movedPorts();
  const copy = EntryPointProcess.start(
    ['services/launcher/src/main.ts'],
    cleanEnv({ ...ports.env, GRPC_HOST: '127.0.0.1', LOG_LEVEL: 'info' }),
  );
  await copy.waitForOutput(/"platform ready"/, 150_000);
  // Each copy runs its own development identity provider; its tokens are good in that copy only.
  const authorize = await copyAuthorizer(ports.identity, PLAYER);
  return { process: copy, rest: new RestClient(`http://127.0.0.1:${ports.gateway}`, authorize) };
}

const PLAYER = '31';

/** Achieves a mission and waits for its reward in the copy's wallet. */
async function rewardOf(rest: RestClient, customerId: string): Promise<string> {
  const achieved = await rest.post('/v1/missions', { customerId, eventCode: 'moved-ports', missionCode: 'first-win' });
  expect(achieved.status, achieved.text).to.equal(200);
  return eventually(
    async () => {
      const mission = await rest.get(`/v1/missions/${achieved.body.missionId}`);
      expect(mission.body.rewardId, mission.text).to.be.a('string').and.not.equal('');
      return mission.body.rewardId as string;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

/**
 * Two copies of `npm start` side by side, every port moved: each copy's wallet calls its own
 * gift service (it used to call 127.0.0.1:50054 whatever GIFT_GRPC_PORT said), so an exchange in
 * one copy reserves stock and places the order in that copy only.
 */
describe('npm start with every port moved (two copies on one machine)', function () {
  this.timeout(360_000);
  let first: Awaited<ReturnType<typeof startCopy>>;
  let second: Awaited<ReturnType<typeof startCopy>>;

  before(async () => {
    [first, second] = await Promise.all([startCopy(), startCopy()]);
  });

  after(async () => {
    await Promise.all([first?.process.stop(), second?.process.stop()]);
  });

  it('an exchange in the second copy spends its reward and ships from its own gift stock; the first copy sees nothing', async () => {
    for (const copy of [first, second]) {
      const stocked = await copy.rest.post('/v1/gifts', { giftId: 'moved-badge', name: 'Moved badge', stockCount: 3 });
      expect(stocked.status, stocked.text).to.equal(200);
    }
    const rewardId = await rewardOf(second.rest, '31');
    const exchanged = await second.rest.post(`/v1/wallets/31/rewards/${rewardId}:exchange`, {
      giftId: 'moved-badge',
      idempotencyKey: 'moved-ports-1',
    });
    expect(exchanged.status, exchanged.text).to.equal(200);
    const orderId = exchanged.body.orderId as string;

    await eventually(
      async () => {
        const order = await second.rest.get(`/v1/gift-orders/${orderId}`);
        expect(order.body.status, order.text).to.equal('GIFT_ORDER_STATUS_SHIPPING');
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect((await second.rest.get('/v1/gifts/moved-badge')).body.stockCount).to.equal(2);

    // The first copy: no such order, its stock untouched, nothing reserved.
    expect((await first.rest.get(`/v1/gift-orders/${orderId}`)).status).to.equal(404);
    const untouched = await first.rest.get('/v1/gifts/moved-badge');
    expect(untouched.body, untouched.text).to.deep.include({ stockCount: 3 });
    expect(untouched.body.reservedCount ?? 0).to.equal(0);
  });

  it('each copy says where it serves: its own gateway and gRPC ports', () => {
    for (const copy of [first, second]) {
      const ready = JSON.parse(copy.process.stdout.split('\n').find((line) => line.includes('"platform ready"')) as string);
      expect(ready.rest).to.equal(copy.rest.baseUrl);
    }
  });
});
