import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { DescMessage } from '@bufbuild/protobuf';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { eventually } from '#testing/eventually';
import { EXCHANGE_CHAIN, startPlatform } from '#testing/start-platform';
import { TestSystem } from '#testing/test-system';
import { loadDescriptorRegistry } from '../../services/gateway/src/descriptor/descriptor-registry.js';
import { buildRequest, RequestMappingError } from '../../services/gateway/src/transcoding/request-mapper.js';
import { databaseSnapshot } from './support/database-snapshot.js';
import { expectError, RestClient, type RestResponse } from './support/rest-client.js';
import { restCreateGift, restRewardInWallet } from './support/rest-flows.js';

/**
 * Bad input at the REST edge: each kind gets its documented HTTP status and a JSON error
 * (google.rpc.Status) that names the problem, and nothing changes: the database is compared,
 * row counts and row contents, before and after every refused request.
 */
describe('The REST edge refuses bad input with a clear JSON error and changes nothing', function () {
  this.timeout(90_000);
  let system: TestSystem;
  let api: RestClient;
  let gatewayPort: number;
  let rewardId: string;

  before(async () => {
    system = await TestSystem.create('servers');
    await startPlatform(system, EXCHANGE_CHAIN);
    const gateway = await system.startGateway();
    gatewayPort = gateway.port;
    api = new RestClient(gateway.url, system.restAuthorizer());
    // Something to be refused against: a gift in stock and a reward in a wallet.
    await restCreateGift(api, 'bad-plush', 5);
    ({ rewardId } = await restRewardInWallet(api, 'bad-1', 'settled'));
  });

  after(async () => system?.close());

  /** Sends each request and checks the database is exactly as it was before all of them. */
  async function unchanged(send: () => Promise<RestResponse[]>): Promise<RestResponse[]> {
    const before = await databaseSnapshot(system);
    const responses = await send();
    expect(await databaseSnapshot(system)).to.deep.equal(before);
    return responses;
  }

  it('malformed JSON is 400 INVALID_ARGUMENT saying the body is not valid JSON', async () => {
    const [truncated, notAnObject] = await unchanged(async () => [
      await api.post('/v1/gifts', '{"giftId": "bad-json", "name": '),
      await api.post('/v1/missions', '["bad-1", "edge", "m"]'),
    ]);
    expectError(truncated, 400, status.INVALID_ARGUMENT);
    expect(truncated.body.message).to.match(/^request body is not valid JSON/);
    expectError(notAnObject, 400, status.INVALID_ARGUMENT);
    expect(notAnObject.body.message).to.include('game.mission.v1.AchieveMissionRequest');
  });

  it('a value of the wrong type is 400 naming the field and what it expected', async () => {
    const [text, fraction, number] = await unchanged(async () => [
      await api.post('/v1/gifts', { giftId: 'bad-type', name: 'x', stockCount: 'many' }),
      await api.post('/v1/gifts/bad-plush:setStock', { stockCount: 1.5 }),
      await api.post('/v1/missions', { customerId: 42, eventCode: 'edge', missionCode: 'm' }),
    ]);
    for (const response of [text, fraction]) {
      expectError(response, 400, status.INVALID_ARGUMENT);
      expect(response.body.message).to.include('stock_count').and.include('int32');
    }
    expectError(number, 400, status.INVALID_ARGUMENT);
    expect(number.body.message).to.include('customer_id').and.include('expected string');
  });

  it('an unknown field in the body is 400 naming it', async () => {
    const [response] = await unchanged(async () => [
      await api.post('/v1/gifts', { giftId: 'bad-field', name: 'x', stockCount: 1, colour: 'red' }),
    ]);
    expectError(response, 400, status.INVALID_ARGUMENT);
    expect(response.body.message).to.include('"colour"').and.include('unknown');
  });

  it('an unknown enum value is 400 naming the enum and the value (no public request has an enum field yet: the request mapping is checked with the contract message Delivery)', () => {
    const registry = loadDescriptorRegistry();
    const delivery = registry.getMessage('game.delivery.v1.Delivery') as DescMessage;
    const map = (status: string) =>
      buildRequest(delivery, registry, { bodyMapping: '*', body: Buffer.from(JSON.stringify({ status })), query: [], pathBindings: [] });
    expect(() => map('DELIVERY_STATUS_TELEPORTED')).to.throw(
      RequestMappingError,
      /game\.delivery\.v1\.DeliveryStatus.*DELIVERY_STATUS_TELEPORTED/,
    );
    expect(() => map('DELIVERY_STATUS_STARTED')).to.not.throw();
  });

  it('a required field left out is 400 from the service, naming the field in the message and in error-field', async () => {
    const [gift, mission, exchange] = await unchanged(async () => [
      await api.post('/v1/gifts', { name: 'No id', stockCount: 1 }),
      await api.post('/v1/missions', { customerId: 'bad-1', missionCode: 'no-event' }),
      await api.post(`/v1/wallets/bad-1/rewards/${rewardId}:exchange`, { giftId: 'bad-plush' }),
    ]);
    for (const [response, field] of [
      [gift, 'gift_id'],
      [mission, 'event_code'],
      [exchange, 'idempotency_key'],
    ] as const) {
      expectError(response, 400, status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
      expect(response.headers.get('error-field')).to.equal(field);
      expect(response.body.message).to.match(new RegExp(`^${field}: `));
    }
  });

  it('a body over 64 KiB is 413, with or without a Content-Length and whatever the path, before any service sees it', async () => {
    const huge = JSON.stringify({ giftId: 'bad-huge', name: 'x'.repeat(70 * 1024), stockCount: 1 });
    const [declared, chunked, unrouted] = await unchanged(async () => [
      await api.post('/v1/gifts', huge),
      await postChunked(gatewayPort, '/v1/gifts', huge),
      // The limit comes before routing, as Envoy's buffer filter does.
      await api.post('/v1/nothing-here', huge),
    ]);
    for (const response of [declared, chunked, unrouted]) {
      expectError(response, 413, status.RESOURCE_EXHAUSTED);
      expect(response.body.message).to.include('65536');
    }
    // Just under the limit is transcoded as usual (and refused by the service for its name).
    const [under] = await unchanged(async () => [
      await api.post('/v1/gifts', { giftId: 'bad-long', name: 'x'.repeat(60 * 1024), stockCount: 1 }),
    ]);
    expectError(under, 400, status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
    expect(under.headers.get('error-field')).to.equal('name');
  });

  it('an unknown path, HTTP method or custom verb is 404 with a JSON error naming the request', async () => {
    const responses = await unchanged(async () => [
      await api.get('/v1/nothing-here'),
      await api.send('DELETE', '/v1/gifts/bad-plush'),
      await api.post('/v1/gifts/bad-plush:frobnicate', {}),
      await api.get('/v2/gifts'),
      await api.post('/v1/missions/extra', {}),
      await api.get('/'),
    ]);
    for (const response of responses) expectError(response, 404, status.NOT_FOUND);
    expect(responses[1].body.message).to.include('DELETE /v1/gifts/bad-plush');
  });

  it('an unknown query parameter is 400 naming it, and the call is not made', async () => {
    const [read, write] = await unchanged(async () => [
      await api.get('/v1/gifts?colour=red'),
      await api.post('/v1/gifts?dryRun=true', { giftId: 'bad-query', name: 'x', stockCount: 1 }),
    ]);
    expectError(read, 400, status.INVALID_ARGUMENT);
    expect(read.body.message).to.include('"colour"');
    expectError(write, 400, status.INVALID_ARGUMENT);
    expect(write.body.message).to.include('"dryRun"');
    expect(await system.count('gift.gifts', `gift_id = 'bad-query'`), 'the gift was not created').to.equal(0);
  });

  it('ids that do not exist are 404 NOT_FOUND for every kind of resource, reads and writes alike', async () => {
    const unknown = randomUUID();
    const responses = await unchanged(async () => [
      await api.get(`/v1/missions/${unknown}`),
      await api.get(`/v1/rewards/${unknown}`),
      await api.get('/v1/wallets/bad-nobody'),
      await api.get('/v1/gifts/bad-nothing'),
      await api.get(`/v1/gift-orders/${unknown}`),
      await api.get(`/v1/gift-orders/${unknown}/delivery`),
      await api.get(`/v1/deliveries/${unknown}`),
      await api.post('/v1/gifts/bad-nothing:setStock', { stockCount: 3 }),
      await api.post(`/v1/gift-orders/${unknown}:cancel`, { customerId: 'bad-1' }),
      await api.post(`/v1/deliveries/${unknown}:complete`, {}),
      await api.post(`/v1/wallets/bad-1/rewards/${unknown}:exchange`, { giftId: 'bad-plush', idempotencyKey: 'bad-unknown-reward' }),
    ]);
    for (const response of responses) {
      expectError(response, 404, status.NOT_FOUND);
      expect(response.headers.get('error-code'), response.text).to.match(/_NOT_FOUND$|^REWARD_NOT_IN_WALLET$/);
    }
  });

  it('exchanging for a gift that does not exist is 404 and leaves the reward, the catalog and the stock as they were (only the records of the failed attempt are written)', async () => {
    const before = await databaseSnapshot(system);
    const response = await api.post(`/v1/wallets/bad-1/rewards/${rewardId}:exchange`, {
      giftId: 'bad-nothing',
      idempotencyKey: 'bad-unknown-gift',
    });
    expectError(response, 404, status.NOT_FOUND, 'GIFT_NOT_FOUND');
    const [exchange] = await system.query<{ order_id: string; status: string }>(
      `select order_id, status from wallet.exchanges where idempotency_key = 'bad-unknown-gift'`,
    );
    expect(exchange.status, "the wallet's record of the attempt").to.equal('failed');
    // The wallet announces the abandoned order id; the gift shop records it as released, later,
    // from its consumer, so a late ReserveGift with that id is refused. That row is the only order.
    const orders = await eventually(async () => {
      const rows = await system.query<{ order_id: string; status: string; stock_state: string }>(
        'select order_id, status, stock_state from gift.gift_orders',
      );
      expect(rows, 'the abandoned order id recorded by the gift shop').to.have.length(1);
      return rows;
    });
    expect(orders).to.deep.equal([{ order_id: exchange.order_id, status: 'released', stock_state: 'released' }]);
    const after = await databaseSnapshot(system);
    for (const table of ['wallet.wallet_rewards', 'reward.rewards', 'gift.gifts', 'delivery.deliveries']) {
      expect(after[`${table} content`], table).to.equal(before[`${table} content`]);
    }
  });
});

/** POSTs a body with chunked transfer encoding (no Content-Length), as a streaming client would. */
function postChunked(port: number, path: string, body: string): Promise<RestResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: response.statusCode ?? 0,
            headers: new Headers(response.headers as Record<string, string>),
            body: JSON.parse(text),
            text,
          });
        });
      },
    );
    // The gateway may answer and close before the whole body is written; the answer is what counts.
    request.on('error', reject);
    for (let at = 0; at < body.length; at += 8192) request.write(body.slice(at, at + 8192));
    request.end();
  });
}
