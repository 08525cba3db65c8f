import { randomUUID } from 'node:crypto';
import { type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import {
  deliveryCancelled,
  deliveryCompleted,
  deliveryStarted,
  exchangeAbandoned,
  giftOrderCancelled,
  giftOrderDelivered,
  giftOrderPaid,
  giftOrderRejected,
  giftStockChanged,
  rewardSpent,
} from '#contracts/events';
import { type Gift, type GiftOrder, GiftOrderStatus, type GiftServiceClient } from '#contracts/generated/game/gift/v1/gift_service';
import { type NewEvent, newEvent } from '#platform/events/event-type';
import { eventually } from '#testing/eventually';
import { expectInvalidArgument } from '#testing/grpc-assertions';
import { call, callError } from '#testing/grpc-call';
import { TestSystem } from '#testing/test-system';
import { giftModule } from '../../services/gift/src/composition-root.js';

/**
 * The GiftService contract (proto/game/gift/v1/gift_service.proto) over real gRPC on Postgres
 * and RabbitMQ: every RPC's answer, each error status with its `error-code` (and for bad input
 * `error-field`) trailer, that a refused call changes nothing, race-free stock, and the order
 * transitions driven by the wallet's and the delivery's events (published here directly, as
 * those services would).
 */

const UNKNOWN_ID = '3f6c1a52-9d7e-4b8a-a1c2-5e4f3d2b1a09';

const STOCK_CHANGED = giftStockChanged.name;
const ORDER_PAID = giftOrderPaid.name;
const ORDER_CANCELLED = giftOrderCancelled.name;
const ORDER_REJECTED = giftOrderRejected.name;
const ORDER_DELIVERED = giftOrderDelivered.name;

/** Malformed values for a code field (gift_id, customer_id), by what is wrong. */
const BAD_CODES: { what: string; value: string }[] = [
  { what: 'an empty', value: '' },
  { what: 'a 65-character', value: 'a'.repeat(65) },
  { what: 'a space-containing', value: 'has space' },
  { what: 'a slash-containing', value: '../etc' },
  { what: 'a non-ASCII', value: 'geschenk-ü' },
];

/** Malformed values for a UUID field (order_id, reward_id). */
const BAD_UUIDS: { what: string; value: string }[] = [
  { what: 'an empty', value: '' },
  { what: 'a non-UUID', value: 'not-a-uuid' },
  { what: 'an undashed UUID as', value: UNKNOWN_ID.replaceAll('-', '') },
];

function expectError(error: ServiceError, code: status, errorCode: string): void {
  expect(error.code, error.message).to.equal(code);
  expect(error.metadata.get('error-code')).to.deep.equal([errorCode]);
  expect(error.metadata.get('error-field')).to.deep.equal([]);
}

interface Exchange {
  orderId: string;
  customerId: string;
  giftId: string;
  rewardId: string;
}

const exchange = (customerId: string, giftId: string): Exchange => ({ orderId: randomUUID(), customerId, giftId, rewardId: randomUUID() });

/** The wallet's and the delivery's events, as those services publish them. */
const spentEvent = (order: Exchange): NewEvent => newEvent(rewardSpent, { ...order, spentAt: new Date() }, order.orderId);
const abandonedEvent = (order: Exchange): NewEvent =>
  newEvent(exchangeAbandoned, { ...order, reason: 'test', abandonedAt: new Date() }, order.orderId);
const deliveryEvent = (kind: 'started' | 'cancelled' | 'completed', order: Exchange, deliveryId: string): NewEvent => {
  const message = { deliveryId, orderId: order.orderId, customerId: order.customerId, giftId: order.giftId };
  if (kind === 'started') return newEvent(deliveryStarted, { ...message, startedAt: new Date() }, deliveryId);
  if (kind === 'cancelled') return newEvent(deliveryCancelled, { ...message, cancelledAt: new Date() }, deliveryId);
  return newEvent(deliveryCompleted, { ...message, completedAt: new Date() }, deliveryId);
};

/** Calls against one system's gift service, and what it stored. */
class GiftShop {
  constructor(
    readonly system: TestSystem,
    readonly gifts: GiftServiceClient,
  ) {}

  createGift(giftId: string, stockCount: number, name = `Gift ${giftId}`): Promise<Gift> {
    return call(this.gifts, this.gifts.createGift, { giftId, name, stockCount });
  }

  getGift(giftId: string): Promise<Gift> {
    return call(this.gifts, this.gifts.getGift, { giftId });
  }

  reserve(order: Exchange): Promise<GiftOrder> {
    return call(this.gifts, this.gifts.reserveGift, order);
  }

  getOrder(orderId: string): Promise<GiftOrder> {
    return call(this.gifts, this.gifts.getGiftOrder, { orderId });
  }

  /** Waits until the order has the status, and returns it. */
  orderWith(orderId: string, expected: GiftOrderStatus): Promise<GiftOrder> {
    return eventually(async () => {
      const order = await this.getOrder(orderId);
      expect(order.status, `status of order ${orderId}`).to.equal(expected);
      return order;
    });
  }

  /** Publishes events and waits until the gift service has consumed every one of them. */
  async deliver(...events: NewEvent[]): Promise<void> {
    await this.system.publish(events);
    await eventually(async () => {
      for (const event of events)
        expect(await this.system.count('gift.inbox_events', `event_id = '${event.id}'`), `event ${event.type} consumed`).to.equal(1);
    });
  }

  /** A paid order: reserved, then the reward spent on it. */
  async paidOrder(order: Exchange): Promise<GiftOrder> {
    await this.reserve(order);
    await this.deliver(spentEvent(order));
    return this.orderWith(order.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_PAID);
  }

  outboxCount(eventType: string, aggregateId: string): Promise<number> {
    return this.system.count('gift.outbox_events', `event_type = '${eventType}' and aggregate_id = '${aggregateId}'`);
  }
}

const stockOf = (gift: Gift) => ({ stock: gift.stockCount, reserved: gift.reservedCount, available: gift.availableCount });

describe('GiftService contract over gRPC', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let gifts: GiftServiceClient;
  let shop: GiftShop;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(giftModule);
    gifts = system.giftClient();
    shop = new GiftShop(system, gifts);
  });

  after(async () => {
    gifts?.close();
    await system?.close();
  });

  /** What a refused call must leave alone: every gift, order and outbox row, and the stock totals. */
  async function snapshot() {
    const [totals] = await system.query<{ stock: string; reserved: string }>(
      'select coalesce(sum(stock_count), 0)::text as stock, coalesce(sum(reserved_count), 0)::text as reserved from gift.gifts',
    );
    return {
      gifts: await system.count('gift.gifts'),
      orders: await system.count('gift.gift_orders'),
      outbox: await system.count('gift.outbox_events'),
      orderStates: (
        await system.query<{ s: string }>(
          `select string_agg(order_id::text || ':' || status::text || ':' || stock_state::text, ',' order by order_id) as s from gift.gift_orders`,
        )
      )[0].s,
      stock: Number(totals.stock),
      reserved: Number(totals.reserved),
    };
  }

  async function expectFailureChangesNothing(failing: () => Promise<ServiceError>): Promise<ServiceError> {
    const before = await snapshot();
    const error = await failing();
    expect(await snapshot()).to.deep.equal(before);
    return error;
  }

  describe('CreateGift', () => {
    it('registers the gift with its stock, nothing reserved and all of it available', async () => {
      const gift = await shop.createGift('cg-ok', 7, 'Plush dragon');
      expect(gift).to.deep.equal({ giftId: 'cg-ok', name: 'Plush dragon', stockCount: 7, reservedCount: 0, availableCount: 7 });
      expect(await system.count('gift.gifts', `gift_id = 'cg-ok' and stock_count = 7 and reserved_count = 0`)).to.equal(1);
    });

    it("announces the new gift's stock with one GiftStockChanged outbox event", async () => {
      await shop.createGift('cg-announce', 3);
      expect(await shop.outboxCount(STOCK_CHANGED, 'cg-announce')).to.equal(1);
    });

    it('accepts the limits: stock_count 0 and 1,000,000, a 200-character name and a 64-character gift_id', async () => {
      const empty = await shop.createGift('cg-zero', 0);
      expect(stockOf(empty)).to.deep.equal({ stock: 0, reserved: 0, available: 0 });
      const full = await shop.createGift('cg-million', 1_000_000);
      expect(full.availableCount).to.equal(1_000_000);
      const name = 'ü'.repeat(200);
      expect((await shop.createGift('cg-long-name', 1, name)).name).to.equal(name);
      const giftId = `Ab9-_${'x'.repeat(59)}`;
      expect((await shop.createGift(giftId, 1)).giftId).to.equal(giftId);
    });

    for (const { what, value } of BAD_CODES) {
      it(`refuses ${what} gift_id with INVALID_ARGUMENT naming gift_id, and stores and announces nothing`, async () => {
        const error = await expectFailureChangesNothing(() =>
          callError(gifts, gifts.createGift, { giftId: value, name: 'A gift', stockCount: 1 }),
        );
        expectInvalidArgument(error, 'gift_id');
      });
    }

    for (const { what, value } of [
      { what: 'an empty', value: '' },
      { what: 'a blank', value: '   ' },
      { what: 'a 201-character', value: 'n'.repeat(201) },
    ]) {
      it(`refuses ${what} name with INVALID_ARGUMENT naming name, and stores nothing`, async () => {
        const error = await expectFailureChangesNothing(() =>
          callError(gifts, gifts.createGift, { giftId: 'cg-bad-name', name: value, stockCount: 1 }),
        );
        expectInvalidArgument(error, 'name');
      });
    }

    for (const stockCount of [-1, 1_000_001, 2_147_483_647, -2_147_483_648]) {
      it(`refuses stock_count ${stockCount} with INVALID_ARGUMENT naming stock_count, and stores nothing`, async () => {
        const error = await expectFailureChangesNothing(() =>
          callError(gifts, gifts.createGift, { giftId: 'cg-bad-stock', name: 'A gift', stockCount }),
        );
        expectInvalidArgument(error, 'stock_count');
      });
    }

    it('reports the first malformed field when several are (gift_id before name before stock_count)', async () => {
      expectInvalidArgument(await callError(gifts, gifts.createGift, { giftId: '', name: '', stockCount: -1 }), 'gift_id');
      expectInvalidArgument(await callError(gifts, gifts.createGift, { giftId: 'cg-order', name: '', stockCount: -1 }), 'name');
    });

    it('refuses an existing gift_id with ALREADY_EXISTS and GIFT_ALREADY_EXISTS, and keeps the first gift as it was', async () => {
      const first = await shop.createGift('cg-twice', 5, 'First');
      const error = await expectFailureChangesNothing(() =>
        callError(gifts, gifts.createGift, { giftId: 'cg-twice', name: 'Second', stockCount: 9 }),
      );
      expectError(error, status.ALREADY_EXISTS, 'GIFT_ALREADY_EXISTS');
      expect(error.details).to.include('cg-twice');
      expect(await shop.getGift('cg-twice')).to.deep.equal(first);
    });

    it('when the same gift is created by concurrent calls, exactly one succeeds and the others get ALREADY_EXISTS', async () => {
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => shop.createGift('cg-race', i + 1)));
      expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
      for (const result of results)
        if (result.status === 'rejected') expectError(result.reason as ServiceError, status.ALREADY_EXISTS, 'GIFT_ALREADY_EXISTS');
      expect(await shop.outboxCount(STOCK_CHANGED, 'cg-race')).to.equal(1);
    });
  });

  describe('SetGiftStock', () => {
    const setStock = (giftId: string, stockCount: number) => call(gifts, gifts.setGiftStock, { giftId, stockCount });

    it('sets the stock count, what is available follows, and GiftStockChanged announces it', async () => {
      await shop.createGift('ss-ok', 2, 'Mug');
      const gift = await setStock('ss-ok', 10);
      expect(gift).to.deep.equal({ giftId: 'ss-ok', name: 'Mug', stockCount: 10, reservedCount: 0, availableCount: 10 });
      expect(await shop.getGift('ss-ok')).to.deep.equal(gift);
      expect(await shop.outboxCount(STOCK_CHANGED, 'ss-ok')).to.equal(2);
    });

    it('keeps the reservations: setting the stock down to exactly what is reserved leaves nothing available', async () => {
      await shop.createGift('ss-reserved', 5);
      await shop.reserve(exchange('ss-c1', 'ss-reserved'));
      await shop.reserve(exchange('ss-c2', 'ss-reserved'));
      expect(stockOf(await setStock('ss-reserved', 2))).to.deep.equal({ stock: 2, reserved: 2, available: 0 });
    });

    it('refuses a stock count below what is reserved with FAILED_PRECONDITION and STOCK_BELOW_RESERVED, changing nothing', async () => {
      await shop.createGift('ss-below', 3);
      await shop.reserve(exchange('ss-c3', 'ss-below'));
      await shop.reserve(exchange('ss-c4', 'ss-below'));
      const error = await expectFailureChangesNothing(() => callError(gifts, gifts.setGiftStock, { giftId: 'ss-below', stockCount: 1 }));
      expectError(error, status.FAILED_PRECONDITION, 'STOCK_BELOW_RESERVED');
      expect(stockOf(await shop.getGift('ss-below'))).to.deep.equal({ stock: 3, reserved: 2, available: 1 });
    });

    it('setting the stock it already has changes nothing and announces nothing', async () => {
      await shop.createGift('ss-same', 4);
      expect(stockOf(await setStock('ss-same', 4))).to.deep.equal({ stock: 4, reserved: 0, available: 4 });
      expect(await shop.outboxCount(STOCK_CHANGED, 'ss-same')).to.equal(1);
    });

    it('answers NOT_FOUND with GIFT_NOT_FOUND for an unknown gift, and creates nothing', async () => {
      const error = await expectFailureChangesNothing(() => callError(gifts, gifts.setGiftStock, { giftId: 'ss-nobody', stockCount: 3 }));
      expectError(error, status.NOT_FOUND, 'GIFT_NOT_FOUND');
      expect(error.details).to.include('ss-nobody');
    });

    for (const { what, value } of BAD_CODES) {
      it(`refuses ${what} gift_id with INVALID_ARGUMENT naming gift_id`, async () => {
        expectInvalidArgument(await callError(gifts, gifts.setGiftStock, { giftId: value, stockCount: 1 }), 'gift_id');
      });
    }

    for (const stockCount of [-1, 1_000_001]) {
      it(`refuses stock_count ${stockCount} with INVALID_ARGUMENT naming stock_count, changing nothing`, async () => {
        await shop.createGift(`ss-bad-${stockCount}`, 1);
        const error = await expectFailureChangesNothing(() =>
          callError(gifts, gifts.setGiftStock, { giftId: `ss-bad-${stockCount}`, stockCount }),
        );
        expectInvalidArgument(error, 'stock_count');
      });
    }
  });

  describe('GetGift', () => {
    it('returns the gift as it is now: created, then with a unit reserved', async () => {
      const created = await shop.createGift('gg-ok', 2, 'Poster');
      expect(await shop.getGift('gg-ok')).to.deep.equal(created);
      await shop.reserve(exchange('gg-c', 'gg-ok'));
      expect(await shop.getGift('gg-ok')).to.deep.equal({
        giftId: 'gg-ok',
        name: 'Poster',
        stockCount: 2,
        reservedCount: 1,
        availableCount: 1,
      });
    });

    it('answers NOT_FOUND with GIFT_NOT_FOUND for an unknown gift', async () => {
      const error = await callError(gifts, gifts.getGift, { giftId: 'gg-nobody' });
      expectError(error, status.NOT_FOUND, 'GIFT_NOT_FOUND');
      expect(error.details).to.include('gg-nobody');
    });

    for (const { what, value } of BAD_CODES) {
      it(`refuses ${what} gift_id with INVALID_ARGUMENT naming gift_id`, async () => {
        expectInvalidArgument(await callError(gifts, gifts.getGift, { giftId: value }), 'gift_id');
      });
    }
  });

  describe('ListGifts', () => {
    const list = (pageSize = 0, pageToken = '') => call(gifts, gifts.listGifts, { pageSize, pageToken });

    it('returns at most page_size gifts, newest first, with their stock, and a next_page_token when more remain', async () => {
      await shop.createGift('lg-a', 1);
      await shop.createGift('lg-b', 2);
      await shop.createGift('lg-c', 3);
      const page = await list(2);
      expect(page.gifts.map((gift) => gift.giftId)).to.deep.equal(['lg-c', 'lg-b']);
      expect(page.gifts[1]).to.deep.equal({ giftId: 'lg-b', name: 'Gift lg-b', stockCount: 2, reservedCount: 0, availableCount: 2 });
      expect(page.nextPageToken).to.not.equal('');
    });

    it('walks the whole catalog with next_page_token: no duplicates, nothing missed, empty token on the last page', async () => {
      for (const id of ['lg-w1', 'lg-w2', 'lg-w3', 'lg-w4']) await shop.createGift(id, 1);
      const total = await system.count('gift.gifts');
      const seen: string[] = [];
      let token = '';
      for (let pages = 0; pages < 200; pages += 1) {
        const page = await list(3, token);
        expect(page.gifts.length).to.be.at.most(3);
        seen.push(...page.gifts.map((gift) => gift.giftId));
        token = page.nextPageToken;
        if (token === '') break;
      }
      expect(token).to.equal('');
      expect(seen).to.have.length(total);
      expect(new Set(seen).size).to.equal(total);
      expect(seen.slice(0, 4)).to.deep.equal(['lg-w4', 'lg-w3', 'lg-w2', 'lg-w1']);
    });

    for (const pageSize of [101, -1]) {
      it(`refuses page_size ${pageSize} with INVALID_ARGUMENT naming page_size`, async () => {
        expectInvalidArgument(await callError(gifts, gifts.listGifts, { pageSize, pageToken: '' }), 'page_size');
      });
    }

    it('refuses a page_token that no response gave with INVALID_ARGUMENT naming page_token', async () => {
      expectInvalidArgument(await callError(gifts, gifts.listGifts, { pageSize: 0, pageToken: 'garbage!!' }), 'page_token');
    });
  });

  describe('ReserveGift', () => {
    it("reserves one unit for a new RESERVED order that carries the gift's name, and the gift shows it reserved", async () => {
      await shop.createGift('rg-ok', 3, 'Keychain');
      const request = exchange('rg-customer', 'rg-ok');
      const startedAt = Date.now();
      const order = await shop.reserve(request);
      expect(order).to.include({ ...request, giftName: 'Keychain', status: GiftOrderStatus.GIFT_ORDER_STATUS_RESERVED, deliveryId: '' });
      expect(order.placedAt!.getTime()).to.be.within(startedAt - 5_000, Date.now() + 5_000);
      expect(order.updatedAt!.getTime()).to.equal(order.placedAt!.getTime());
      expect(stockOf(await shop.getGift('rg-ok'))).to.deep.equal({ stock: 3, reserved: 1, available: 2 });
      expect(
        await system.count('gift.gift_orders', `order_id = '${request.orderId}' and status = 'reserved' and stock_state = 'reserved'`),
      ).to.equal(1);
    });

    it('announces the reservation with GiftStockChanged in the same commit', async () => {
      await shop.createGift('rg-announce', 2);
      await shop.reserve(exchange('rg-customer', 'rg-announce'));
      expect(await shop.outboxCount(STOCK_CHANGED, 'rg-announce')).to.equal(2);
    });

    it('holds the reservation for GIFT_RESERVATION_TTL_MS (120 s by default)', async () => {
      await shop.createGift('rg-ttl', 1);
      const request = exchange('rg-customer', 'rg-ttl');
      await shop.reserve(request);
      const [row] = await system.query<{ ms: string }>(
        `select (extract(epoch from reserved_until - placed_at) * 1000)::text as ms from gift.gift_orders where order_id = '${request.orderId}'`,
      );
      expect(Number(row.ms)).to.equal(120_000);
    });

    it('is idempotent on order_id: repeating the request returns the same order and reserves nothing more', async () => {
      await shop.createGift('rg-retry', 3);
      const request = exchange('rg-customer', 'rg-retry');
      const first = await shop.reserve(request);
      const before = await snapshot();
      expect(await shop.reserve(request)).to.deep.equal(first);
      expect(
        await shop.reserve({ ...request, orderId: request.orderId.toUpperCase(), rewardId: request.rewardId.toUpperCase() }),
      ).to.deep.equal(first);
      expect(await snapshot()).to.deep.equal(before);
      expect(stockOf(await shop.getGift('rg-retry'))).to.deep.equal({ stock: 3, reserved: 1, available: 2 });
    });

    it('a retry returns the order as it is now (a paid order stays PAID, nothing reserved again)', async () => {
      await shop.createGift('rg-retry-paid', 2);
      const request = exchange('rg-customer', 'rg-retry-paid');
      const paid = await shop.paidOrder(request);
      expect(await shop.reserve(request)).to.deep.equal(paid);
      expect(stockOf(await shop.getGift('rg-retry-paid'))).to.deep.equal({ stock: 2, reserved: 1, available: 1 });
    });

    it('concurrent repeats of one request reserve one unit and all return the same order', async () => {
      await shop.createGift('rg-retry-race', 5);
      const request = exchange('rg-customer', 'rg-retry-race');
      const orders = await Promise.all(Array.from({ length: 6 }, () => shop.reserve(request)));
      for (const order of orders) expect(order).to.deep.equal(orders[0]);
      expect(stockOf(await shop.getGift('rg-retry-race'))).to.deep.equal({ stock: 5, reserved: 1, available: 4 });
      expect(await system.count('gift.gift_orders', `order_id = '${request.orderId}'`)).to.equal(1);
    });

    for (const differs of ['customer_id', 'gift_id', 'reward_id'] as const) {
      it(`refuses an order_id already used by an exchange with another ${differs} with FAILED_PRECONDITION and ORDER_ID_CONFLICT, changing nothing`, async () => {
        const giftId = `rg-conflict-${differs.replace('_', '-')}`;
        await shop.createGift(giftId, 3);
        await shop.createGift(`${giftId}-other`, 3);
        const request = exchange('rg-customer', giftId);
        const first = await shop.reserve(request);
        const other = {
          customer_id: { ...request, customerId: 'rg-someone-else' },
          gift_id: { ...request, giftId: `${giftId}-other` },
          reward_id: { ...request, rewardId: randomUUID() },
        }[differs];
        const error = await expectFailureChangesNothing(() => callError(gifts, gifts.reserveGift, other));
        expectError(error, status.FAILED_PRECONDITION, 'ORDER_ID_CONFLICT');
        expect(error.details).to.include(request.orderId);
        expect(await shop.getOrder(request.orderId)).to.deep.equal(first);
      });
    }

    it('answers NOT_FOUND with GIFT_NOT_FOUND for an unknown gift, and stores no order', async () => {
      const request = exchange('rg-customer', 'rg-nobody');
      const error = await expectFailureChangesNothing(() => callError(gifts, gifts.reserveGift, request));
      expectError(error, status.NOT_FOUND, 'GIFT_NOT_FOUND');
      expect(error.details).to.include('rg-nobody');
      expect(await system.count('gift.gift_orders', `order_id = '${request.orderId}'`)).to.equal(0);
    });

    it('answers RESOURCE_EXHAUSTED with OUT_OF_STOCK for a gift with no stock, and stores no order', async () => {
      await shop.createGift('rg-none', 0);
      const request = exchange('rg-customer', 'rg-none');
      const error = await expectFailureChangesNothing(() => callError(gifts, gifts.reserveGift, request));
      expectError(error, status.RESOURCE_EXHAUSTED, 'OUT_OF_STOCK');
      expect(error.details).to.include('rg-none');
      expect(await system.count('gift.gift_orders', `order_id = '${request.orderId}'`)).to.equal(0);
    });

    it('answers OUT_OF_STOCK once every unit is reserved, though the stock is not zero', async () => {
      await shop.createGift('rg-all-held', 2);
      await shop.reserve(exchange('rg-c1', 'rg-all-held'));
      await shop.reserve(exchange('rg-c2', 'rg-all-held'));
      const error = await expectFailureChangesNothing(() => callError(gifts, gifts.reserveGift, exchange('rg-c3', 'rg-all-held')));
      expectError(error, status.RESOURCE_EXHAUSTED, 'OUT_OF_STOCK');
      expect(stockOf(await shop.getGift('rg-all-held'))).to.deep.equal({ stock: 2, reserved: 2, available: 0 });
    });

    it('of two customers racing for the last unit exactly one gets it and the other gets RESOURCE_EXHAUSTED', async () => {
      for (let round = 0; round < 5; round += 1) {
        const giftId = `rg-last-${round}`;
        await shop.createGift(giftId, 1);
        const results = await Promise.allSettled([shop.reserve(exchange('rg-alice', giftId)), shop.reserve(exchange('rg-bob', giftId))]);
        const won = results.filter((result) => result.status === 'fulfilled');
        const lost = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as ServiceError] : []));
        expect(won, `round ${round}`).to.have.length(1);
        expect(lost, `round ${round}`).to.have.length(1);
        expectError(lost[0], status.RESOURCE_EXHAUSTED, 'OUT_OF_STOCK');
        expect(stockOf(await shop.getGift(giftId))).to.deep.equal({ stock: 1, reserved: 1, available: 0 });
        expect(await system.count('gift.gift_orders', `gift_id = '${giftId}'`)).to.equal(1);
      }
    });

    it('twenty customers racing for three units: exactly three orders, never more reserved than the stock', async () => {
      await shop.createGift('rg-crowd', 3);
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => shop.reserve(exchange(`rg-crowd-${i}`, 'rg-crowd'))));
      expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(3);
      for (const result of results)
        if (result.status === 'rejected') expectError(result.reason as ServiceError, status.RESOURCE_EXHAUSTED, 'OUT_OF_STOCK');
      expect(stockOf(await shop.getGift('rg-crowd'))).to.deep.equal({ stock: 3, reserved: 3, available: 0 });
      expect(await system.count('gift.gift_orders', `gift_id = 'rg-crowd'`)).to.equal(3);
      expect(await shop.outboxCount(STOCK_CHANGED, 'rg-crowd')).to.equal(4);
    });

    it('refuses a retry of an abandoned exchange with FAILED_PRECONDITION and ORDER_RELEASED, reserving nothing', async () => {
      await shop.createGift('rg-abandoned', 2);
      const request = exchange('rg-customer', 'rg-abandoned');
      await shop.reserve(request);
      await shop.deliver(abandonedEvent(request));
      await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED);
      const error = await expectFailureChangesNothing(() => callError(gifts, gifts.reserveGift, request));
      expectError(error, status.FAILED_PRECONDITION, 'ORDER_RELEASED');
      expect(stockOf(await shop.getGift('rg-abandoned'))).to.deep.equal({ stock: 2, reserved: 0, available: 2 });
    });

    it('an exchange abandoned before its reservation arrived is never reserved: the late call gets ORDER_RELEASED', async () => {
      await shop.createGift('rg-late', 2, 'Late gift');
      const request = exchange('rg-customer', 'rg-late');
      await shop.deliver(abandonedEvent(request));
      const tombstone = await shop.getOrder(request.orderId);
      expect(tombstone).to.include({ ...request, giftName: 'Late gift', status: GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED });
      const error = await expectFailureChangesNothing(() => callError(gifts, gifts.reserveGift, request));
      expectError(error, status.FAILED_PRECONDITION, 'ORDER_RELEASED');
      expect(stockOf(await shop.getGift('rg-late'))).to.deep.equal({ stock: 2, reserved: 0, available: 2 });
    });

    for (const field of ['order_id', 'reward_id'] as const) {
      for (const { what, value } of BAD_UUIDS) {
        it(`refuses ${what} ${field} with INVALID_ARGUMENT naming ${field}, and stores nothing`, async () => {
          await shop.createGift('rg-invalid', 100).catch(() => undefined);
          const request = { ...exchange('rg-customer', 'rg-invalid'), [field === 'order_id' ? 'orderId' : 'rewardId']: value };
          expectInvalidArgument(await expectFailureChangesNothing(() => callError(gifts, gifts.reserveGift, request)), field);
        });
      }
    }

    for (const field of ['customer_id', 'gift_id'] as const) {
      for (const { what, value } of BAD_CODES) {
        it(`refuses ${what} ${field} with INVALID_ARGUMENT naming ${field}, and stores nothing`, async () => {
          await shop.createGift('rg-invalid', 100).catch(() => undefined);
          const request = { ...exchange('rg-customer', 'rg-invalid'), [field === 'customer_id' ? 'customerId' : 'giftId']: value };
          expectInvalidArgument(await expectFailureChangesNothing(() => callError(gifts, gifts.reserveGift, request)), field);
        });
      }
    }
  });

  describe('GetGiftOrder', () => {
    it('returns the order exactly as ReserveGift returned it', async () => {
      await shop.createGift('go-ok', 1);
      const reserved = await shop.reserve(exchange('go-customer', 'go-ok'));
      expect(await shop.getOrder(reserved.orderId)).to.deep.equal(reserved);
      expect(await shop.getOrder(reserved.orderId.toUpperCase())).to.deep.equal(reserved);
    });

    it('answers NOT_FOUND with GIFT_ORDER_NOT_FOUND for a well-formed order id that does not exist', async () => {
      const error = await callError(gifts, gifts.getGiftOrder, { orderId: UNKNOWN_ID });
      expectError(error, status.NOT_FOUND, 'GIFT_ORDER_NOT_FOUND');
      expect(error.details).to.include(UNKNOWN_ID);
    });

    for (const { what, value } of BAD_UUIDS) {
      it(`refuses ${what} order_id with INVALID_ARGUMENT naming order_id`, async () => {
        expectInvalidArgument(await callError(gifts, gifts.getGiftOrder, { orderId: value }), 'order_id');
      });
    }
  });

  describe('ListGiftOrders', () => {
    const list = (customerId: string, pageSize = 0, pageToken = '') =>
      call(gifts, gifts.listGiftOrders, { customerId, pageSize, pageToken });

    it('lists an unknown customer as empty with no next page token (not an error)', async () => {
      expect(await list('lo-nobody')).to.deep.equal({ orders: [], nextPageToken: '' });
    });

    it("lists only the asked customer's orders", async () => {
      await shop.createGift('lo-mine', 10);
      await shop.reserve(exchange('lo-me', 'lo-mine'));
      await shop.reserve(exchange('lo-them', 'lo-mine'));
      await shop.reserve(exchange('lo-me', 'lo-mine'));
      const page = await list('lo-me');
      expect(page.orders).to.have.length(2);
      expect(page.orders.every((order) => order.customerId === 'lo-me')).to.equal(true);
    });

    it('walks every page newest first: no duplicates, nothing missed, empty token on the last page', async () => {
      await shop.createGift('lo-walk', 10);
      const ids: string[] = [];
      for (let i = 0; i < 7; i += 1) ids.push((await shop.reserve(exchange('lo-walker', 'lo-walk'))).orderId);
      const seen: GiftOrder[] = [];
      const pageLengths: number[] = [];
      let token = '';
      for (let pages = 0; pages < 10; pages += 1) {
        const page = await list('lo-walker', 3, token);
        pageLengths.push(page.orders.length);
        seen.push(...page.orders);
        token = page.nextPageToken;
        if (token === '') break;
      }
      expect(pageLengths).to.deep.equal([3, 3, 1]);
      expect(seen.map((order) => order.orderId)).to.deep.equal([...ids].reverse());
    });

    for (const pageSize of [101, -1]) {
      it(`refuses page_size ${pageSize} with INVALID_ARGUMENT naming page_size`, async () => {
        expectInvalidArgument(await callError(gifts, gifts.listGiftOrders, { customerId: 'lo-x', pageSize, pageToken: '' }), 'page_size');
      });
    }

    it('refuses a page_token that no response gave with INVALID_ARGUMENT naming page_token', async () => {
      const token = Buffer.from('v2:10').toString('base64url');
      expectInvalidArgument(
        await callError(gifts, gifts.listGiftOrders, { customerId: 'lo-x', pageSize: 0, pageToken: token }),
        'page_token',
      );
    });

    for (const { what, value } of BAD_CODES) {
      it(`refuses ${what} customer_id with INVALID_ARGUMENT naming customer_id`, async () => {
        expectInvalidArgument(
          await callError(gifts, gifts.listGiftOrders, { customerId: value, pageSize: 0, pageToken: '' }),
          'customer_id',
        );
      });
    }
  });

  describe('CancelGiftOrder', () => {
    const cancel = (orderId: string, customerId: string) => call(gifts, gifts.cancelGiftOrder, { orderId, customerId });

    it('cancels a paid order: CANCELLED, its reserved unit available again at once, GiftOrderCancelled announced', async () => {
      await shop.createGift('co-paid', 2);
      const request = exchange('co-customer', 'co-paid');
      const paid = await shop.paidOrder(request);
      const cancelled = await cancel(request.orderId, 'co-customer');
      expect(cancelled).to.include({ ...request, status: GiftOrderStatus.GIFT_ORDER_STATUS_CANCELLED });
      expect(cancelled.updatedAt!.getTime()).to.be.at.least(paid.updatedAt!.getTime());
      expect(stockOf(await shop.getGift('co-paid'))).to.deep.equal({ stock: 2, reserved: 0, available: 2 });
      expect(await shop.outboxCount(ORDER_CANCELLED, request.orderId)).to.equal(1);
      expect(await system.count('gift.gift_orders', `order_id = '${request.orderId}' and stock_state = 'released'`)).to.equal(1);
    });

    it('cancels a shipping order: the unit stays off the shelf until delivery.cancelled puts it back', async () => {
      await shop.createGift('co-shipping', 3);
      const request = exchange('co-customer', 'co-shipping');
      await shop.paidOrder(request);
      const deliveryId = randomUUID();
      await shop.deliver(deliveryEvent('started', request, deliveryId));
      await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      expect(stockOf(await shop.getGift('co-shipping'))).to.deep.equal({ stock: 2, reserved: 0, available: 2 });

      expect((await cancel(request.orderId, 'co-customer')).status).to.equal(GiftOrderStatus.GIFT_ORDER_STATUS_CANCELLED);
      expect(stockOf(await shop.getGift('co-shipping'))).to.deep.equal({ stock: 2, reserved: 0, available: 2 });

      await shop.deliver(deliveryEvent('cancelled', request, deliveryId));
      expect(stockOf(await shop.getGift('co-shipping'))).to.deep.equal({ stock: 3, reserved: 0, available: 3 });
      expect(await system.count('gift.gift_orders', `order_id = '${request.orderId}' and stock_state = 'restocked'`)).to.equal(1);
      // The same cancellation again (a new event id) puts nothing back twice.
      await shop.deliver(deliveryEvent('cancelled', request, deliveryId));
      expect(stockOf(await shop.getGift('co-shipping'))).to.deep.equal({ stock: 3, reserved: 0, available: 3 });
    });

    it('answers NOT_FOUND with GIFT_ORDER_NOT_FOUND for an unknown order', async () => {
      const error = await expectFailureChangesNothing(() =>
        callError(gifts, gifts.cancelGiftOrder, { orderId: UNKNOWN_ID, customerId: 'co-customer' }),
      );
      expectError(error, status.NOT_FOUND, 'GIFT_ORDER_NOT_FOUND');
    });

    it("answers another customer's order as NOT_FOUND (GIFT_ORDER_NOT_FOUND: its existence does not leak), changing nothing", async () => {
      await shop.createGift('co-theirs', 1);
      const request = exchange('co-owner', 'co-theirs');
      const paid = await shop.paidOrder(request);
      const error = await expectFailureChangesNothing(() =>
        callError(gifts, gifts.cancelGiftOrder, { orderId: request.orderId, customerId: 'co-intruder' }),
      );
      expectError(error, status.NOT_FOUND, 'GIFT_ORDER_NOT_FOUND');
      expect(await shop.getOrder(request.orderId)).to.deep.equal(paid);
    });

    it('refuses an order that is only reserved with FAILED_PRECONDITION and ORDER_NOT_PAID, keeping the reservation', async () => {
      await shop.createGift('co-reserved', 1);
      const request = exchange('co-customer', 'co-reserved');
      await shop.reserve(request);
      const error = await expectFailureChangesNothing(() =>
        callError(gifts, gifts.cancelGiftOrder, { orderId: request.orderId, customerId: 'co-customer' }),
      );
      expectError(error, status.FAILED_PRECONDITION, 'ORDER_NOT_PAID');
      expect(stockOf(await shop.getGift('co-reserved'))).to.deep.equal({ stock: 1, reserved: 1, available: 0 });
    });

    it('refuses a released order with FAILED_PRECONDITION and ORDER_NOT_PAID', async () => {
      await shop.createGift('co-released', 1);
      const request = exchange('co-customer', 'co-released');
      await shop.reserve(request);
      await shop.deliver(abandonedEvent(request));
      const error = await expectFailureChangesNothing(() =>
        callError(gifts, gifts.cancelGiftOrder, { orderId: request.orderId, customerId: 'co-customer' }),
      );
      expectError(error, status.FAILED_PRECONDITION, 'ORDER_NOT_PAID');
    });

    it('refuses a second cancellation with FAILED_PRECONDITION and ORDER_ALREADY_CANCELLED, announcing nothing more', async () => {
      await shop.createGift('co-twice', 1);
      const request = exchange('co-customer', 'co-twice');
      await shop.paidOrder(request);
      await cancel(request.orderId, 'co-customer');
      const error = await expectFailureChangesNothing(() =>
        callError(gifts, gifts.cancelGiftOrder, { orderId: request.orderId, customerId: 'co-customer' }),
      );
      expectError(error, status.FAILED_PRECONDITION, 'ORDER_ALREADY_CANCELLED');
      expect(await shop.outboxCount(ORDER_CANCELLED, request.orderId)).to.equal(1);
    });

    it('refuses a delivered order with FAILED_PRECONDITION and ORDER_DELIVERED', async () => {
      await shop.createGift('co-delivered', 1);
      const request = exchange('co-customer', 'co-delivered');
      await shop.paidOrder(request);
      const deliveryId = randomUUID();
      await shop.deliver(deliveryEvent('started', request, deliveryId), deliveryEvent('completed', request, deliveryId));
      await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_DELIVERED);
      const error = await expectFailureChangesNothing(() =>
        callError(gifts, gifts.cancelGiftOrder, { orderId: request.orderId, customerId: 'co-customer' }),
      );
      expectError(error, status.FAILED_PRECONDITION, 'ORDER_DELIVERED');
    });

    for (const { what, value } of BAD_UUIDS) {
      it(`refuses ${what} order_id with INVALID_ARGUMENT naming order_id`, async () => {
        expectInvalidArgument(await callError(gifts, gifts.cancelGiftOrder, { orderId: value, customerId: 'co-customer' }), 'order_id');
      });
    }

    for (const { what, value } of BAD_CODES) {
      it(`refuses ${what} customer_id with INVALID_ARGUMENT naming customer_id`, async () => {
        expectInvalidArgument(await callError(gifts, gifts.cancelGiftOrder, { orderId: UNKNOWN_ID, customerId: value }), 'customer_id');
      });
    }
  });

  describe("Order transitions driven by the wallet's and the delivery's events", () => {
    it('wallet.reward_spent pays a reserved order and GiftOrderPaid is announced once, however often the payment arrives', async () => {
      await shop.createGift('ev-pay', 2, 'Sticker');
      const request = exchange('ev-customer', 'ev-pay');
      const reserved = await shop.reserve(request);
      const spent = spentEvent(request);
      await shop.deliver(spent, spentEvent(request));
      await system.publish([spent]);
      const paid = await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_PAID);
      expect(paid).to.include({ ...request, giftName: 'Sticker' });
      expect(paid.updatedAt!.getTime()).to.be.at.least(reserved.updatedAt!.getTime());
      // One more payment consumed after the redelivery: the consumer got past it.
      await shop.deliver(spentEvent(request));
      expect(await shop.outboxCount(ORDER_PAID, request.orderId)).to.equal(1);
      expect(stockOf(await shop.getGift('ev-pay'))).to.deep.equal({ stock: 2, reserved: 1, available: 1 });
    });

    it('wallet.reward_spent for an abandoned order reserves a unit again and pays it', async () => {
      await shop.createGift('ev-late-pay', 1);
      const request = exchange('ev-customer', 'ev-late-pay');
      await shop.reserve(request);
      await shop.deliver(abandonedEvent(request));
      expect(stockOf(await shop.getGift('ev-late-pay'))).to.deep.equal({ stock: 1, reserved: 0, available: 1 });
      await shop.deliver(spentEvent(request));
      await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_PAID);
      expect(stockOf(await shop.getGift('ev-late-pay'))).to.deep.equal({ stock: 1, reserved: 1, available: 0 });
      expect(await shop.outboxCount(ORDER_PAID, request.orderId)).to.equal(1);
    });

    it('wallet.reward_spent for a released order with no stock left rejects it ("out of stock"), and a later payment never pays it', async () => {
      await shop.createGift('ev-reject', 1);
      const request = exchange('ev-customer', 'ev-reject');
      await shop.reserve(request);
      await shop.deliver(abandonedEvent(request));
      await shop.reserve(exchange('ev-other', 'ev-reject'));
      await shop.deliver(spentEvent(request));
      expect((await shop.getOrder(request.orderId)).status).to.equal(GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED);
      expect(await shop.outboxCount(ORDER_REJECTED, request.orderId)).to.equal(1);
      const [rejection] = await system.query<{ payload: Buffer }>(
        `select payload from gift.outbox_events where event_type = '${ORDER_REJECTED}' and aggregate_id = '${request.orderId}'`,
      );
      expect(rejectionReason(rejection.payload)).to.equal('out of stock');
      // Stock comes back, and the same payment arrives again as a new event: it stays rejected.
      await call(gifts, gifts.setGiftStock, { giftId: 'ev-reject', stockCount: 5 });
      await shop.deliver(spentEvent(request));
      expect((await shop.getOrder(request.orderId)).status).to.equal(GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED);
      expect(await shop.outboxCount(ORDER_PAID, request.orderId)).to.equal(0);
      expect(await shop.outboxCount(ORDER_REJECTED, request.orderId)).to.equal(1);
      expect(stockOf(await shop.getGift('ev-reject'))).to.deep.equal({ stock: 5, reserved: 1, available: 4 });
    });

    it('wallet.reward_spent for an unknown order is retried, then dead-lettered, and creates nothing', async () => {
      const before = await system.deadLetterCount('gift');
      const orders = await system.count('gift.gift_orders');
      await system.publish([spentEvent(exchange('ev-customer', 'ev-pay'))]);
      await eventually(async () => expect(await system.deadLetterCount('gift')).to.equal(before + 1), { timeoutMs: 15_000 });
      expect(await system.count('gift.gift_orders')).to.equal(orders);
    });

    it("wallet.exchange_abandoned releases a reserved order's unit and announces the stock; repeated, it changes nothing more", async () => {
      await shop.createGift('ev-abandon', 2);
      const request = exchange('ev-customer', 'ev-abandon');
      await shop.reserve(request);
      await shop.deliver(abandonedEvent(request));
      await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED);
      expect(stockOf(await shop.getGift('ev-abandon'))).to.deep.equal({ stock: 2, reserved: 0, available: 2 });
      expect(await shop.outboxCount(STOCK_CHANGED, 'ev-abandon')).to.equal(3);
      await shop.deliver(abandonedEvent(request));
      expect(stockOf(await shop.getGift('ev-abandon'))).to.deep.equal({ stock: 2, reserved: 0, available: 2 });
      expect(await shop.outboxCount(STOCK_CHANGED, 'ev-abandon')).to.equal(3);
    });

    it('wallet.exchange_abandoned leaves a paid order paid, with its unit reserved', async () => {
      await shop.createGift('ev-abandon-paid', 1);
      const request = exchange('ev-customer', 'ev-abandon-paid');
      await shop.paidOrder(request);
      await shop.deliver(abandonedEvent(request));
      expect((await shop.getOrder(request.orderId)).status).to.equal(GiftOrderStatus.GIFT_ORDER_STATUS_PAID);
      expect(stockOf(await shop.getGift('ev-abandon-paid'))).to.deep.equal({ stock: 1, reserved: 1, available: 0 });
    });

    it('delivery.started ships a paid order, records the delivery id, and the unit leaves the shelf (stock and reserved both one lower)', async () => {
      await shop.createGift('ev-ship', 4);
      const request = exchange('ev-customer', 'ev-ship');
      await shop.paidOrder(request);
      const deliveryId = randomUUID();
      await shop.deliver(deliveryEvent('started', request, deliveryId));
      const shipping = await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      expect(shipping.deliveryId).to.equal(deliveryId);
      expect(stockOf(await shop.getGift('ev-ship'))).to.deep.equal({ stock: 3, reserved: 0, available: 3 });
      expect(await system.count('gift.gift_orders', `order_id = '${request.orderId}' and stock_state = 'deducted'`)).to.equal(1);
      await shop.deliver(deliveryEvent('started', request, deliveryId));
      expect(stockOf(await shop.getGift('ev-ship'))).to.deep.equal({ stock: 3, reserved: 0, available: 3 });
    });

    it('delivery.completed delivers a shipping order and announces GiftOrderDelivered once', async () => {
      await shop.createGift('ev-deliver', 1);
      const request = exchange('ev-customer', 'ev-deliver');
      await shop.paidOrder(request);
      const deliveryId = randomUUID();
      await shop.deliver(deliveryEvent('started', request, deliveryId));
      await shop.deliver(deliveryEvent('completed', request, deliveryId), deliveryEvent('completed', request, deliveryId));
      const delivered = await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_DELIVERED);
      expect(delivered.deliveryId).to.equal(deliveryId);
      expect(await shop.outboxCount(ORDER_DELIVERED, request.orderId)).to.equal(1);
      expect(stockOf(await shop.getGift('ev-deliver'))).to.deep.equal({ stock: 0, reserved: 0, available: 0 });
    });

    it('delivery.completed that overtakes delivery.started still takes the unit off the shelf exactly once', async () => {
      await shop.createGift('ev-overtake', 2);
      const request = exchange('ev-customer', 'ev-overtake');
      await shop.paidOrder(request);
      const deliveryId = randomUUID();
      await shop.deliver(deliveryEvent('completed', request, deliveryId));
      await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_DELIVERED);
      await shop.deliver(deliveryEvent('started', request, deliveryId));
      expect((await shop.getOrder(request.orderId)).status).to.equal(GiftOrderStatus.GIFT_ORDER_STATUS_DELIVERED);
      expect(stockOf(await shop.getGift('ev-overtake'))).to.deep.equal({ stock: 1, reserved: 0, available: 1 });
    });

    it('delivery.started for an order cancelled meanwhile only records the delivery id; no stock moves', async () => {
      await shop.createGift('ev-cancelled-first', 2);
      const request = exchange('ev-customer', 'ev-cancelled-first');
      await shop.paidOrder(request);
      await call(gifts, gifts.cancelGiftOrder, { orderId: request.orderId, customerId: 'ev-customer' });
      const deliveryId = randomUUID();
      await shop.deliver(deliveryEvent('started', request, deliveryId));
      const order = await shop.getOrder(request.orderId);
      expect(order).to.include({ status: GiftOrderStatus.GIFT_ORDER_STATUS_CANCELLED, deliveryId });
      expect(stockOf(await shop.getGift('ev-cancelled-first'))).to.deep.equal({ stock: 2, reserved: 0, available: 2 });
      await shop.deliver(deliveryEvent('cancelled', request, deliveryId));
      expect(stockOf(await shop.getGift('ev-cancelled-first'))).to.deep.equal({ stock: 2, reserved: 0, available: 2 });
    });

    it('a whole exchange: reserved, paid, shipping, delivered; the stock ends one lower with nothing held', async () => {
      await shop.createGift('ev-life', 5);
      const request = exchange('ev-life-customer', 'ev-life');
      await shop.paidOrder(request);
      const deliveryId = randomUUID();
      await shop.deliver(deliveryEvent('started', request, deliveryId));
      await shop.deliver(deliveryEvent('completed', request, deliveryId));
      await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_DELIVERED);
      expect(stockOf(await shop.getGift('ev-life'))).to.deep.equal({ stock: 4, reserved: 0, available: 4 });
      const page = await call(gifts, gifts.listGiftOrders, { customerId: 'ev-life-customer', pageSize: 0, pageToken: '' });
      expect(page.orders.map((order) => order.status)).to.deep.equal([GiftOrderStatus.GIFT_ORDER_STATUS_DELIVERED]);
    });
  });
});

describe('GiftService reservation expiry', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let gifts: GiftServiceClient;
  let shop: GiftShop;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(giftModule, { overrides: { reservationTtlMs: 200, expirySweepMs: 100 } });
    gifts = system.giftClient();
    shop = new GiftShop(system, gifts);
  });

  after(async () => {
    gifts?.close();
    await system?.close();
  });

  it('an unpaid reservation is released after its time: RELEASED, the unit available again, GiftStockChanged announced', async () => {
    await shop.createGift('ex-unpaid', 1);
    const request = exchange('ex-customer', 'ex-unpaid');
    await shop.reserve(request);
    await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED);
    expect(stockOf(await shop.getGift('ex-unpaid'))).to.deep.equal({ stock: 1, reserved: 0, available: 1 });
    expect(await shop.outboxCount(STOCK_CHANGED, 'ex-unpaid')).to.equal(3);
    expect(await system.count('gift.gift_orders', `order_id = '${request.orderId}' and stock_state = 'released'`)).to.equal(1);
    // The released unit can be taken by someone else.
    await shop.reserve(exchange('ex-next', 'ex-unpaid'));
  });

  it('a retry of an expired reservation gets FAILED_PRECONDITION and ORDER_RELEASED', async () => {
    await shop.createGift('ex-retry', 1);
    const request = exchange('ex-customer', 'ex-retry');
    await shop.reserve(request);
    await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED);
    expectError(await callError(gifts, gifts.reserveGift, request), status.FAILED_PRECONDITION, 'ORDER_RELEASED');
  });

  it('a paid order is never released by the sweep', async () => {
    await shop.createGift('ex-paid', 1);
    const request = exchange('ex-customer', 'ex-paid');
    await shop.reserve(request);
    await shop.deliver(spentEvent(request));
    // The payment may land after the sweep released the order; then a unit is reserved again.
    await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_PAID);
    // A reservation placed after this one is released: the sweep has run past this one's time.
    await shop.createGift('ex-paid-marker', 1);
    const marker = exchange('ex-customer', 'ex-paid-marker');
    await shop.reserve(marker);
    await shop.orderWith(marker.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED);
    expect((await shop.getOrder(request.orderId)).status).to.equal(GiftOrderStatus.GIFT_ORDER_STATUS_PAID);
    expect(stockOf(await shop.getGift('ex-paid'))).to.deep.equal({ stock: 1, reserved: 1, available: 0 });
  });

  it('a payment arriving after the reservation expired reserves a unit again and pays the order', async () => {
    await shop.createGift('ex-late', 1);
    const request = exchange('ex-customer', 'ex-late');
    await shop.reserve(request);
    await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_RELEASED);
    await shop.deliver(spentEvent(request));
    await shop.orderWith(request.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_PAID);
    expect(stockOf(await shop.getGift('ex-late'))).to.deep.equal({ stock: 1, reserved: 1, available: 0 });
  });

  it('two replicas sweeping at once release each expired reservation exactly once', async () => {
    const replica = await system.start(giftModule, { overrides: { reservationTtlMs: 200, expirySweepMs: 100 } });
    try {
      await shop.createGift('ex-replicas', 300);
      const other = system.giftClient(replica.address);
      const requests = Array.from({ length: 150 }, (_, i) => exchange(`ex-r-${i}`, 'ex-replicas'));
      await Promise.all(requests.map((request, i) => (i % 2 === 0 ? shop.reserve(request) : call(other, other.reserveGift, request))));
      other.close();
      await eventually(
        async () => expect(await system.count('gift.gift_orders', `gift_id = 'ex-replicas' and status = 'released'`)).to.equal(150),
        {
          timeoutMs: 20_000,
        },
      );
      expect(stockOf(await shop.getGift('ex-replicas'))).to.deep.equal({ stock: 300, reserved: 0, available: 300 });
    } finally {
      await replica.stop();
    }
  });
});

/** The reason inside a stored GiftOrderRejected payload. */
function rejectionReason(payload: Buffer): string {
  return giftOrderRejected.codec.decode(new Uint8Array(payload)).reason;
}
