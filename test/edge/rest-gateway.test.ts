import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  create,
  createFileRegistry,
  type DescExtension,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  getOption,
  hasOption,
  setExtension,
  toBinary,
  toJson,
} from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  MethodOptionsSchema,
} from '@bufbuild/protobuf/wkt';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { HttpRule } from '#contracts/generated/google/api/http';
import { DESCRIPTOR_SET_PATH } from '#platform/grpc/descriptor-set';
import { createLogger } from '#platform/logging/logger';
import { eventually } from '#testing/eventually';
import { walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';
import { createGateway } from '../../services/gateway/src/create-gateway.js';
import { loadDescriptorRegistry } from '../../services/gateway/src/descriptor/descriptor-registry.js';
import { RouteTable } from '../../services/gateway/src/routing/route-table.js';
import { buildRequest, parseQuery, RequestMappingError } from '../../services/gateway/src/transcoding/request-mapper.js';
import { SERVICE_MODULES } from '../../services/launcher/src/service-modules.js';
import { expectError, RestClient } from './support/rest-client.js';
import { restCreateGift, restExchange, restOrderReaches, restRewardInWallet } from './support/rest-flows.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The REST edge as clients use it: every public RPC through the gateway (the Envoy stand-in),
 * method and path from the google.api.http annotations, in front of the real services. Errors
 * come from real calls, so the gRPC status -> HTTP status mapping is proven end to end.
 */
describe('The REST edge: every public RPC over HTTP/JSON through the gateway', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let api: RestClient;

  before(async () => {
    system = await TestSystem.create('servers');
    // Every service the platform runs (the launcher's catalog), so a public service added to the
    // contract and the platform is covered here without touching this suite.
    for (const module of SERVICE_MODULES) {
      const overrides = module.name === 'wallet' ? { overrides: { config: { giftAddress: system.address('gift') } } } : {};
      await system.start(module, overrides as never);
    }
    api = new RestClient((await system.startGateway()).url, system.restAuthorizer());
  });

  after(async () => system?.close());

  it('POST /v1/missions achieves a mission from a snake_case or lowerCamel body and answers proto3 JSON with zero values printed; achieving it again is 409 ALREADY_EXISTS', async () => {
    const achieved = await api.post('/v1/missions', { customer_id: 'rest-1', event_code: 'edge', missionCode: 'first-win' });
    expect(achieved.status, achieved.text).to.equal(200);
    expect(achieved.headers.get('content-type')).to.equal('application/json');
    expect(achieved.body).to.include({
      customerId: 'rest-1',
      eventCode: 'edge',
      missionCode: 'first-win',
      status: 'MISSION_STATUS_ACHIEVED',
      rewardId: '',
    });
    expect(achieved.body.missionId).to.match(UUID);
    expect(achieved.body.achievedAt).to.match(ISO_TIME);
    expect(achieved.body, 'an unset timestamp stays absent').to.not.have.property('rewardedAt');

    const again = await api.post('/v1/missions', { customerId: 'rest-1', eventCode: 'edge', missionCode: 'first-win' });
    expectError(again, 409, status.ALREADY_EXISTS, 'MISSION_ALREADY_ACHIEVED');
    expect(again.body.message).to.include('first-win');
    expect(await system.count('mission.missions', `customer_id = 'rest-1'`)).to.equal(1);
  });

  it('GET /v1/missions/{mission_id} answers the mission with its reward once issued; an unknown id is 404 NOT_FOUND, a malformed one 400 INVALID_ARGUMENT naming mission_id', async () => {
    const { missionId, rewardId } = await restRewardInWallet(api, 'rest-2', 'get-me');
    const mission = await api.get(`/v1/missions/${missionId}`);
    expect(mission.status).to.equal(200);
    expect(mission.body).to.include({ missionId, customerId: 'rest-2', status: 'MISSION_STATUS_REWARDED', rewardId });
    expect(mission.body.rewardedAt).to.match(ISO_TIME);

    expectError(await api.get(`/v1/missions/${randomUUID()}`), 404, status.NOT_FOUND, 'MISSION_NOT_FOUND');
    const malformed = await api.get('/v1/missions/not-a-uuid');
    expectError(malformed, 400, status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
    expect(malformed.headers.get('error-field')).to.equal('mission_id');
    expect(malformed.body.message).to.include('mission_id');
  });

  it('GET /v1/customers/{customer_id}/missions pages with pageSize / page_size and pageToken from the query; an out-of-range page size is 400 naming page_size', async () => {
    for (const code of ['a', 'b', 'c'])
      expect((await api.post('/v1/missions', { customerId: 'rest-3', eventCode: 'edge', missionCode: code })).status).to.equal(200);
    const first = await api.get('/v1/customers/rest-3/missions?pageSize=2');
    expect(first.status).to.equal(200);
    expect(first.body.missions).to.have.length(2);
    expect(first.body.nextPageToken).to.be.a('string').and.not.equal('');
    const second = await api.get(`/v1/customers/rest-3/missions?page_size=2&pageToken=${encodeURIComponent(first.body.nextPageToken)}`);
    expect(second.status).to.equal(200);
    expect(second.body.missions).to.have.length(1);
    expect(second.body.nextPageToken, 'printed although empty').to.equal('');
    const codes = [...first.body.missions, ...second.body.missions].map((mission: { missionCode: string }) => mission.missionCode);
    expect(codes.sort()).to.deep.equal(['a', 'b', 'c']);

    const tooBig = await api.get('/v1/customers/rest-3/missions?pageSize=101');
    expectError(tooBig, 400, status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
    expect(tooBig.headers.get('error-field')).to.equal('page_size');
  });

  it('GET /v1/rewards/{reward_id} and GET /v1/customers/{customer_id}/rewards answer the issued reward; an unknown reward is 404', async () => {
    const { missionId, rewardId } = await restRewardInWallet(api, 'rest-4', 'reward-me');
    const reward = await api.get(`/v1/rewards/${rewardId}`);
    expect(reward.status).to.equal(200);
    expect(reward.body).to.include({ rewardId, missionId, customerId: 'rest-4', status: 'REWARD_STATUS_ISSUED', orderId: '' });
    expect(reward.body.issuedAt).to.match(ISO_TIME);

    const list = await api.get('/v1/customers/rest-4/rewards');
    expect(list.status).to.equal(200);
    expect(list.body).to.deep.equal({ rewards: [reward.body], nextPageToken: '' });
    expectError(await api.get(`/v1/rewards/${randomUUID()}`), 404, status.NOT_FOUND, 'REWARD_NOT_FOUND');
  });

  it('GET /v1/wallets/{customer_id} answers the rewards held and the available count; a customer without a wallet is 404', async () => {
    const { missionId, rewardId } = await restRewardInWallet(api, 'rest-5', 'wallet-me');
    const wallet = await api.get('/v1/wallets/rest-5');
    expect(wallet.status).to.equal(200);
    expect(wallet.body).to.include({ customerId: 'rest-5', availableCount: 1 });
    expect(wallet.body.rewards).to.have.length(1);
    expect(wallet.body.rewards[0]).to.include({ rewardId, missionId, status: 'WALLET_REWARD_STATUS_AVAILABLE', orderId: '' });
    expect(wallet.body.rewards[0].addedAt).to.match(ISO_TIME);
    expectError(await api.get('/v1/wallets/nobody-here'), 404, status.NOT_FOUND, 'WALLET_NOT_FOUND');
  });

  it('POST /v1/gifts, POST /v1/gifts/{gift_id}:setStock, GET /v1/gifts/{gift_id} and GET /v1/gifts run the catalog; a duplicate is 409, an unknown gift 404, a negative stock 400 naming stock_count', async () => {
    const created = await api.post('/v1/gifts', { giftId: 'rest-plush', name: 'Plush dragon', stockCount: 2 });
    expect(created.status).to.equal(200);
    expect(created.body).to.deep.equal({ giftId: 'rest-plush', name: 'Plush dragon', stockCount: 2, reservedCount: 0, availableCount: 2 });
    expectError(
      await api.post('/v1/gifts', { giftId: 'rest-plush', name: 'Again', stockCount: 1 }),
      409,
      status.ALREADY_EXISTS,
      'GIFT_ALREADY_EXISTS',
    );

    // The path names the gift: a gift_id in the body does not redirect the call.
    const restocked = await api.post('/v1/gifts/rest-plush:setStock', { giftId: 'some-other-gift', stockCount: 5 });
    expect(restocked.status, restocked.text).to.equal(200);
    expect(restocked.body).to.include({ giftId: 'rest-plush', stockCount: 5, availableCount: 5 });
    expect((await api.get('/v1/gifts/rest-plush')).body).to.deep.equal(restocked.body);
    const catalog = await api.get('/v1/gifts?pageSize=100');
    expect(catalog.status).to.equal(200);
    expect(catalog.body.gifts).to.deep.include(restocked.body);

    expectError(await api.get('/v1/gifts/no-such-gift'), 404, status.NOT_FOUND, 'GIFT_NOT_FOUND');
    expectError(await api.post('/v1/gifts/no-such-gift:setStock', { stockCount: 1 }), 404, status.NOT_FOUND, 'GIFT_NOT_FOUND');
    const negative = await api.post('/v1/gifts/rest-plush:setStock', { stockCount: -1 });
    expectError(negative, 400, status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
    expect(negative.headers.get('error-field')).to.equal('stock_count');
    expect(negative.body.message).to.include('stock_count');
  });

  it('POST /v1/wallets/{customer_id}/rewards/{reward_id}:exchange exchanges a reward (path variables plus body); the same key answers the same exchange; a spent reward is 400 FAILED_PRECONDITION, an empty shelf 429 RESOURCE_EXHAUSTED', async () => {
    await restCreateGift(api, 'rest-mug', 1);
    const { rewardId } = await restRewardInWallet(api, 'rest-6', 'first');
    const exchange = await api.post(`/v1/wallets/rest-6/rewards/${rewardId}:exchange`, {
      giftId: 'rest-mug',
      idempotencyKey: 'rest-6-key',
    });
    expect(exchange.status, exchange.text).to.equal(200);
    expect(exchange.body).to.include({
      idempotencyKey: 'rest-6-key',
      customerId: 'rest-6',
      rewardId,
      giftId: 'rest-mug',
      status: 'EXCHANGE_STATUS_COMPLETED',
    });
    expect(exchange.body.orderId).to.match(UUID);
    expect(exchange.body.requestedAt).to.match(ISO_TIME);

    const repeated = await api.post(`/v1/wallets/rest-6/rewards/${rewardId}:exchange`, {
      giftId: 'rest-mug',
      idempotencyKey: 'rest-6-key',
    });
    expect(repeated.status).to.equal(200);
    expect(repeated.body).to.deep.equal(exchange.body);

    const spent = await api.post(`/v1/wallets/rest-6/rewards/${rewardId}:exchange`, {
      giftId: 'rest-mug',
      idempotencyKey: 'rest-6-other-key',
    });
    expectError(spent, 400, status.FAILED_PRECONDITION, 'REWARD_NOT_AVAILABLE');

    const { rewardId: second } = await restRewardInWallet(api, 'rest-6', 'second');
    const soldOut = await api.post(`/v1/wallets/rest-6/rewards/${second}:exchange`, {
      giftId: 'rest-mug',
      idempotencyKey: 'rest-6-second',
    });
    expectError(soldOut, 429, status.RESOURCE_EXHAUSTED, 'OUT_OF_STOCK');
    const wallet = await api.get('/v1/wallets/rest-6');
    const held = wallet.body.rewards.find((reward: { rewardId: string }) => reward.rewardId === second);
    expect(held.status, 'the refused exchange left the reward as it was').to.equal('WALLET_REWARD_STATUS_AVAILABLE');
  });

  it("GET /v1/gift-orders/{order_id}, GET /v1/customers/{customer_id}/gift-orders and POST /v1/gift-orders/{order_id}:cancel follow and cancel an order; another customer's cancel is 403, a second cancel 400 FAILED_PRECONDITION, an unknown order 404", async () => {
    await restCreateGift(api, 'rest-cap', 3);
    const { rewardId } = await restRewardInWallet(api, 'rest-7', 'order');
    const { orderId } = await restExchange(api, 'rest-7', rewardId, 'rest-cap', 'rest-7-key');
    const order = await restOrderReaches(api, orderId, 'GIFT_ORDER_STATUS_SHIPPING');
    expect(order).to.include({ orderId, customerId: 'rest-7', giftId: 'rest-cap', giftName: 'Gift rest-cap', rewardId });
    expect(order.deliveryId).to.match(UUID);

    const orders = await api.get('/v1/customers/rest-7/gift-orders');
    expect(orders.status).to.equal(200);
    expect(orders.body).to.deep.equal({ orders: [order], nextPageToken: '' });

    expectError(
      await api.post(`/v1/gift-orders/${orderId}:cancel`, { customerId: 'someone-else' }),
      404,
      status.NOT_FOUND,
      'GIFT_ORDER_NOT_FOUND',
    );
    const cancelled = await api.post(`/v1/gift-orders/${orderId}:cancel`, { customerId: 'rest-7' });
    expect(cancelled.status, cancelled.text).to.equal(200);
    expect(cancelled.body).to.include({ orderId, status: 'GIFT_ORDER_STATUS_CANCELLED' });
    expectError(
      await api.post(`/v1/gift-orders/${orderId}:cancel`, { customerId: 'rest-7' }),
      400,
      status.FAILED_PRECONDITION,
      'ORDER_ALREADY_CANCELLED',
    );
    expectError(await api.get(`/v1/gift-orders/${randomUUID()}`), 404, status.NOT_FOUND, 'GIFT_ORDER_NOT_FOUND');
  });

  it('GET /v1/gift-orders/{order_id}/delivery, GET /v1/deliveries/{delivery_id} and POST /v1/deliveries/{delivery_id}:complete follow and complete a delivery; completing a cancelled one is 400 FAILED_PRECONDITION, an unknown one 404', async () => {
    await restCreateGift(api, 'rest-pin', 5);
    const delivered = await restRewardInWallet(api, 'rest-8', 'deliver');
    const { orderId } = await restExchange(api, 'rest-8', delivered.rewardId, 'rest-pin', 'rest-8-key');
    await restOrderReaches(api, orderId, 'GIFT_ORDER_STATUS_SHIPPING');
    const byOrder = await api.get(`/v1/gift-orders/${orderId}/delivery`);
    expect(byOrder.status).to.equal(200);
    expect(byOrder.body).to.include({ orderId, customerId: 'rest-8', giftId: 'rest-pin', status: 'DELIVERY_STATUS_STARTED' });
    expect(byOrder.body.startedAt).to.match(ISO_TIME);
    const byId = await api.get(`/v1/deliveries/${byOrder.body.deliveryId}`);
    expect(byId.body).to.deep.equal(byOrder.body);
    const completed = await api.post(`/v1/deliveries/${byOrder.body.deliveryId}:complete`);
    expect(completed.status, completed.text).to.equal(200);
    expect(completed.body).to.include({ deliveryId: byOrder.body.deliveryId, status: 'DELIVERY_STATUS_DELIVERED' });

    const cancelled = await restRewardInWallet(api, 'rest-8', 'cancel');
    const second = await restExchange(api, 'rest-8', cancelled.rewardId, 'rest-pin', 'rest-8-cancel');
    const secondOrder = await restOrderReaches(api, second.orderId, 'GIFT_ORDER_STATUS_SHIPPING');
    expect((await api.post(`/v1/gift-orders/${second.orderId}:cancel`, { customerId: 'rest-8' })).status).to.equal(200);
    await eventually(async () =>
      expect((await api.get(`/v1/deliveries/${secondOrder.deliveryId}`)).body.status).to.equal('DELIVERY_STATUS_CANCELLED'),
    );
    expectError(
      await api.post(`/v1/deliveries/${secondOrder.deliveryId}:complete`, {}),
      400,
      status.FAILED_PRECONDITION,
      'DELIVERY_CANCELLED',
    );
    expectError(await api.get(`/v1/deliveries/${randomUUID()}`), 404, status.NOT_FOUND, 'DELIVERY_NOT_FOUND');
  });

  it('when the gift shop cannot be reached, ExchangeReward is 503 UNAVAILABLE and the retry-after-ms trailer reaches the client as a header; the reward stays available', async () => {
    const { rewardId } = await restRewardInWallet(api, 'rest-10', 'unavailable');
    // A wallet replica whose gift shop address leads nowhere, behind a gateway of its own.
    const cutOff = await system.start(walletModule, {
      consume: false,
      tasks: false,
      overrides: { config: { giftAddress: '127.0.0.1:1' } },
    } as never);
    const gateway = await createGateway({
      upstreams: { 'game.wallet.v1.WalletService': cutOff.address },
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ level: 'silent' }),
      access: { verify: (token) => system.identity.auth.verifier.verify(token) },
    });
    try {
      const response = await new RestClient(gateway.url, system.restAuthorizer()).post(`/v1/wallets/rest-10/rewards/${rewardId}:exchange`, {
        giftId: 'anything',
        idempotencyKey: 'rest-10-key',
      });
      expectError(response, 503, status.UNAVAILABLE, 'GIFT_SHOP_UNAVAILABLE');
      expect(Number(response.headers.get('retry-after-ms'))).to.be.greaterThan(0);
      expect(response.headers.get('grpc-status'), 'gRPC framing stays behind the edge').to.equal(null);
    } finally {
      await gateway.stop();
      await cutOff.stop();
    }
    const wallet = await api.get('/v1/wallets/rest-10');
    expect(wallet.body.rewards[0]).to.include({ rewardId, status: 'WALLET_REWARD_STATUS_AVAILABLE' });
  });

  it('ReserveGift is refused at the edge: POST /v1/gift-orders:reserve is 403 PERMISSION_DENIED with a JSON error, and no order is placed', async () => {
    await restCreateGift(api, 'rest-internal', 3);
    const before = await system.count('gift.gift_orders');
    const refused = await api.post('/v1/gift-orders:reserve', {
      orderId: randomUUID(),
      customerId: 'rest-9',
      giftId: 'rest-internal',
      rewardId: randomUUID(),
    });
    expectError(refused, 403, status.PERMISSION_DENIED);
    expect(refused.body.message).to.include('ReserveGift');
    expect(await system.count('gift.gift_orders')).to.equal(before);
    expect((await api.get('/v1/gifts/rest-internal')).body).to.include({ reservedCount: 0, availableCount: 3 });
  });

  it('a static directory is served outside /v1/ from the same port (index.html at /), never above its root, and the API still answers beside it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gateway-static-'));
    try {
      writeFileSync(join(root, 'index.html'), '<!doctype html><title>My Page</title>');
      writeFileSync(join(root, 'app.js'), 'console.log("hi")');
      const site = new RestClient((await system.startGateway({ staticDir: root })).url, system.restAuthorizer());
      const page = await site.get('/');
      expect(page.status).to.equal(200);
      expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(page.text).to.include('My Page');
      expect((await site.get('/app.js')).headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
      expectError(await site.get('/missing.css'), 404, status.NOT_FOUND);
      expectError(await site.get('/%2e%2e/%2e%2e/etc/passwd'), 404, status.NOT_FOUND);
      expectError(await site.get('/v1/index.html'), 404, status.NOT_FOUND);
      expect((await site.get('/v1/gifts')).status).to.equal(200);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('every public RPC in the descriptor set is reachable through the gateway, so a new one cannot be left out', async () => {
    const registry = loadDescriptorRegistry();
    const httpRule = registry.getExtension('google.api.http') as DescExtension;
    const reached: string[] = [];
    const unreachable: string[] = [];
    for (const file of registry.files) {
      for (const service of file.services) {
        // Public, as every engineer here counts it: game.<context>.v1, except game.platform.v1.
        const pkg = service.file.proto.package;
        if (!/^game\.[a-z0-9_]+\.v1$/.test(pkg) || pkg === 'game.platform.v1') continue;
        for (const method of service.methods) {
          const rpc = `${service.typeName}.${method.name}`;
          expect(hasOption(method, httpRule), `${rpc} has no google.api.http annotation`).to.equal(true);
          const rule = HttpRule.decode(toBinary(httpRule.message as DescMessage, getOption(method, httpRule) as never));
          for (const binding of [rule, ...rule.additionalBindings]) {
            const [verb, template] = Object.entries({
              GET: binding.get,
              POST: binding.post,
              PUT: binding.put,
              PATCH: binding.patch,
              DELETE: binding.delete,
            }).find(([, path]) => path)!;
            const path = (template as string).replace(/\{[^}]*\}/g, 'probe');
            const response = await api.send(verb, path, binding.body ? {} : undefined);
            const where = `${rpc} via ${verb} ${template}: ${response.status} ${response.text}${
              response.status === 503 ? ' (no running service: add its module to services/launcher/src/service-modules.ts)' : ''
            }`;
            // Reached the service: it answered, with a result or with one of its own errors (they
            // carry error-code). ReserveGift is the exception: the edge itself refuses it.
            const ok =
              rpc === 'game.gift.v1.GiftService.ReserveGift'
                ? response.status === 403
                : response.status === 200 || response.headers.get('error-code') !== null;
            (ok ? reached : unreachable).push(ok ? rpc : where);
          }
        }
      }
    }
    expect(unreachable, 'RPCs the gateway does not bring to their service').to.deep.equal([]);
    expect(reached).to.include.members([
      'game.mission.v1.MissionService.AchieveMission',
      'game.wallet.v1.WalletService.ExchangeReward',
      'game.delivery.v1.DeliveryService.CompleteDelivery',
    ]);
  });
});

/**
 * Rules of the transcoding the contract does not use yet (nested and repeated query parameters,
 * a body mapped to one field, additional_bindings, '**' and `{var=pattern}` templates), checked
 * on the gateway's route table and request mapping with a contract that does.
 */
describe('REST transcoding rules beyond the current contract: route table and request mapping', () => {
  let registry: FileRegistry;
  let routes: RouteTable;
  let request: DescMessage;

  before(() => {
    registry = edgeCaseRegistry();
    routes = new RouteTable(registry);
    request = registry.getMessage('game.edgecases.v1.SearchRequest') as DescMessage;
  });

  function transcode(method: string, url: string, body = '') {
    const [path, query = ''] = url.split('?');
    const match = routes.lookup(method, path);
    if (!match) return undefined;
    const bytes = buildRequest(match.route.method.input, registry, {
      bodyMapping: match.route.body,
      body: Buffer.from(body),
      query: parseQuery(query),
      pathBindings: match.bindings,
    });
    return { rpc: match.route.grpcPath, json: toJson(request, fromBinary(request, bytes), { registry }) };
  }

  it('query parameters fill nested fields (a.b), repeat into repeated fields, accept proto and JSON names, and the last value wins for a singular field', () => {
    const result = transcode(
      'GET',
      '/v1/shelves/fiction/books?tags=a&tags=b%20c&filter.minCount=3&filter.min_count=4&in_stock=true&since=2026-01-01T00:00:00Z',
    );
    expect(result?.rpc).to.equal('/game.edgecases.v1.EdgeService/Search');
    expect(result?.json).to.deep.equal({
      shelf: 'fiction',
      tags: ['a', 'b c'],
      filter: { minCount: 4 },
      inStock: true,
      since: '2026-01-01T00:00:00Z',
    });
  });

  it('a single-segment variable is fully unescaped, a multi-segment one ({path=**}) keeps reserved characters escaped; additional_bindings route to the same RPC', () => {
    expect(transcode('GET', '/v1/shelves/sci%2Ffi/books')?.json).to.deep.equal({ shelf: 'sci/fi' });
    const deep = transcode('GET', '/v1/books/a/b%2Fc/d%20e');
    expect(deep?.rpc).to.equal('/game.edgecases.v1.EdgeService/Search');
    expect(deep?.json).to.deep.equal({ path: 'a/b%2Fc/d e' });
  });

  it('body "<field>" maps the JSON body to that field, a {var=shelves/*} variable binds the matched segments, and the custom verb must match', () => {
    const renamed = transcode('POST', '/v1/shelves/s1:rename?tags=x', '{"minCount": 2}');
    expect(renamed?.rpc).to.equal('/game.edgecases.v1.EdgeService/Rename');
    expect(renamed?.json).to.deep.equal({ shelf: 'shelves/s1', tags: ['x'], filter: { minCount: 2 } });
    expect(transcode('POST', '/v1/shelves/s1:burn', '{}'), 'unregistered verb').to.equal(undefined);
    expect(transcode('POST', '/v1/shelves/s1', '{}'), 'missing verb').to.equal(undefined);
  });

  it('a query parameter naming no field, or a whole message, is refused with the parameter in the message', () => {
    expect(() => transcode('GET', '/v1/shelves/x/books?colour=red')).to.throw(RequestMappingError, '"colour"');
    expect(() => transcode('GET', '/v1/shelves/x/books?filter=3')).to.throw(RequestMappingError, '"filter"');
    expect(() => transcode('GET', '/v1/shelves/x/books?in_stock=maybe')).to.throw(RequestMappingError, 'in_stock');
  });
});

/** The real descriptor set plus one synthetic public service that uses every transcoding rule. */
function edgeCaseRegistry(): FileRegistry {
  const base = fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET_PATH));
  const httpRule = createFileRegistry(base).getExtension('google.api.http') as DescExtension;
  const options = (rule: Parameters<typeof HttpRule.fromPartial>[0]) => {
    const methodOptions = create(MethodOptionsSchema);
    setExtension(
      methodOptions,
      httpRule,
      fromBinary(httpRule.message as DescMessage, HttpRule.encode(HttpRule.fromPartial(rule)).finish()) as never,
    );
    return methodOptions;
  };
  const { STRING: TYPE_STRING, INT32: TYPE_INT32, BOOL: TYPE_BOOL, MESSAGE: TYPE_MESSAGE } = FieldDescriptorProto_Type;
  const { OPTIONAL, REPEATED } = FieldDescriptorProto_Label;
  const field = (name: string, number: number, type: FieldDescriptorProto_Type, label = OPTIONAL, typeName = '') => ({
    name,
    number,
    type,
    label,
    typeName,
    jsonName: name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
  });
  const file = create(FileDescriptorProtoSchema, {
    name: 'game/edgecases/v1/edge_cases.proto',
    package: 'game.edgecases.v1',
    syntax: 'proto3',
    dependency: ['google/api/annotations.proto', 'google/protobuf/timestamp.proto'],
    messageType: [
      { name: 'Filter', field: [field('min_count', 1, TYPE_INT32)] },
      {
        name: 'SearchRequest',
        field: [
          field('shelf', 1, TYPE_STRING),
          field('tags', 2, TYPE_STRING, REPEATED),
          field('filter', 3, TYPE_MESSAGE, OPTIONAL, '.game.edgecases.v1.Filter'),
          field('in_stock', 4, TYPE_BOOL),
          field('since', 5, TYPE_MESSAGE, OPTIONAL, '.google.protobuf.Timestamp'),
          field('path', 6, TYPE_STRING),
        ],
      },
    ],
    service: [
      {
        name: 'EdgeService',
        method: [
          {
            name: 'Search',
            inputType: '.game.edgecases.v1.SearchRequest',
            outputType: '.game.edgecases.v1.SearchRequest',
            options: options({ get: '/v1/shelves/{shelf}/books', additionalBindings: [{ get: '/v1/books/{path=**}' }] }),
          },
          {
            name: 'Rename',
            inputType: '.game.edgecases.v1.SearchRequest',
            outputType: '.game.edgecases.v1.SearchRequest',
            options: options({ post: '/v1/{shelf=shelves/*}:rename', body: 'filter' }),
          },
        ],
      },
    ],
  });
  return createFileRegistry(create(FileDescriptorSetSchema, { file: [...base.file, file] }));
}
