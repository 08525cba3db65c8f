import { randomUUID } from 'node:crypto';
import { type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { deliveryCancelled, deliveryCompleted, deliveryStarted, giftOrderCancelled, giftOrderPaid } from '#contracts/events';
import { DeliveryCancelled, DeliveryCompleted, DeliveryStarted } from '#contracts/generated/game/delivery/v1/delivery_events';
import { type Delivery, type DeliveryServiceClient, DeliveryStatus } from '#contracts/generated/game/delivery/v1/delivery_service';
import { type NewEvent, newEvent } from '#platform/events/event-type';
import { eventually } from '#testing/eventually';
import { expectInvalidArgument } from '#testing/grpc-assertions';
import { call, callError } from '#testing/grpc-call';
import { TestSystem } from '#testing/test-system';
import { deliveryModule } from '../../services/delivery/src/composition-root.js';

/**
 * The DeliveryService contract (proto/game/delivery/v1/delivery_service.proto and
 * delivery_events.proto) over real gRPC on Postgres and RabbitMQ, seed 002: when payment
 * completes, delivery starts; when the customer cancels the order, the delivery is cancelled.
 * The service runs alone and is driven the way the gift service drives it, by gift.order_paid
 * and gift.order_cancelled events published onto the exchange (in any order, possibly twice).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_ID = '3f6c1a52-9d7e-4b8a-a1c2-5e4f3d2b1a09';

const STARTED = deliveryStarted.name;
const CANCELLED = deliveryCancelled.name;
const COMPLETED = deliveryCompleted.name;

/** Malformed values for a UUID field (delivery_id, order_id), by what is wrong. */
const BAD_UUIDS: { what: string; value: string }[] = [
  { what: 'an empty', value: '' },
  { what: 'a non-UUID', value: 'not-a-uuid' },
  { what: 'an undashed UUID', value: UNKNOWN_ID.replaceAll('-', '') },
  { what: 'a too-long UUID', value: `${UNKNOWN_ID}0` },
  { what: 'a UUID with non-hex digits', value: 'zf6c1a52-9d7e-4b8a-a1c2-5e4f3d2b1a09' },
];

/** GiftOrderPaid as the gift service publishes it. */
function orderPaid(orderId: string, customerId: string, giftId = 'plush-bear'): NewEvent {
  return newEvent(
    giftOrderPaid,
    { orderId, customerId, giftId, giftName: 'Plush bear', rewardId: randomUUID(), paidAt: new Date() },
    orderId,
  );
}

/** GiftOrderCancelled as the gift service publishes it. */
function orderCancelled(orderId: string, customerId: string, giftId = 'plush-bear'): NewEvent {
  return newEvent(giftOrderCancelled, { orderId, customerId, giftId, rewardId: randomUUID(), cancelledAt: new Date() }, orderId);
}

function expectError(error: ServiceError, code: status, errorCode: string): void {
  expect(error.code, error.message).to.equal(code);
  expect(error.metadata.get('error-code')).to.deep.equal([errorCode]);
  expect(error.metadata.get('error-field')).to.deep.equal([]);
}

interface OutboxRow {
  type: string;
  routingKey: string;
  payload: Uint8Array;
}

describe('DeliveryService contract over gRPC (seed 002: delivery follows payment and cancellation)', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let deliveries: DeliveryServiceClient;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(deliveryModule);
    deliveries = system.deliveryClient();
  });

  after(async () => {
    deliveries?.close();
    await system?.close();
  });

  const getDelivery = (deliveryId: string) => call(deliveries, deliveries.getDelivery, { deliveryId });
  const getOrderDelivery = (orderId: string) => call(deliveries, deliveries.getOrderDelivery, { orderId });
  const complete = (deliveryId: string) => call(deliveries, deliveries.completeDelivery, { deliveryId });

  /** Publishes events and waits until the delivery service has applied each of them (its inbox has them). */
  async function publishAndApply(...events: NewEvent[]): Promise<void> {
    await system.publish(events);
    const ids = [...new Set(events.map((event) => event.id))];
    await eventually(async () => {
      expect(await system.count('delivery.inbox_events', `event_id in (${ids.map((id) => `'${id}'`).join(', ')})`)).to.equal(ids.length);
    });
  }

  /** Pays a new order and returns its started delivery. */
  async function paidDelivery(customerId: string, giftId = 'plush-bear'): Promise<Delivery> {
    const orderId = randomUUID();
    await publishAndApply(orderPaid(orderId, customerId, giftId));
    return getOrderDelivery(orderId);
  }

  /** The delivery's events in the outbox, oldest first (their aggregate id is the delivery id). */
  function outboxOf(deliveryId: string): Promise<OutboxRow[]> {
    return system.query<OutboxRow>(
      `select event_type as "type", routing_key as "routingKey", payload from delivery.outbox_events where aggregate_id = '${deliveryId}' order by seq`,
    );
  }

  /** What the table holds for an order (a delivery, or the tombstone an early cancellation left). */
  function storedRowsOf(orderId: string): Promise<{ delivery_id: string; status: string; started_at: Date | null }[]> {
    return system.query<{ delivery_id: string; status: string; started_at: Date | null }>(
      `select delivery_id, status, started_at from delivery.deliveries where order_id = '${orderId}'`,
    );
  }

  /** Everything the service stores: each delivery as it stands, and how many events it has announced. */
  async function snapshot(): Promise<{ deliveries: unknown[]; outbox: number }> {
    return {
      deliveries: await system.query(
        `select delivery_id, order_id, customer_id, gift_id, status, started_at, updated_at from delivery.deliveries order by seq`,
      ),
      outbox: await system.count('delivery.outbox_events'),
    };
  }

  /** Runs a call that must fail, then checks that no delivery changed and nothing was announced. */
  async function expectFailureChangesNothing(failing: () => Promise<ServiceError>): Promise<ServiceError> {
    const before = await snapshot();
    // The answer is the service's word that it handled the call; what it stored shows the rest.
    const error = await failing();
    expect(await snapshot()).to.deep.equal(before);
    return error;
  }

  describe('when a gift order is paid (gift.order_paid)', () => {
    it('starts a delivery: STARTED, with a new delivery id, the order, customer and gift, and a start time', async () => {
      const orderId = randomUUID();
      const before = Date.now();
      await publishAndApply(orderPaid(orderId, 'pay-ok', 'gold-mug'));
      const delivery = await getOrderDelivery(orderId);
      expect(delivery.deliveryId).to.match(UUID);
      expect(delivery.deliveryId).to.not.equal(orderId);
      expect(delivery).to.include({ orderId, customerId: 'pay-ok', giftId: 'gold-mug', status: DeliveryStatus.DELIVERY_STATUS_STARTED });
      expect(delivery.startedAt).to.be.instanceOf(Date);
      expect(delivery.startedAt!.getTime()).to.be.within(before - 5_000, Date.now() + 5_000);
      expect(delivery.updatedAt?.getTime()).to.equal(delivery.startedAt!.getTime());
    });

    it('announces the start: exactly one DeliveryStarted in delivery.outbox_events, keyed by the delivery id, carrying the delivery', async () => {
      const delivery = await paidDelivery('pay-announce', 'gold-mug');
      const rows = await outboxOf(delivery.deliveryId);
      expect(rows.map((row) => [row.type, row.routingKey])).to.deep.equal([[STARTED, deliveryStarted.routingKey]]);
      const message = DeliveryStarted.decode(rows[0].payload);
      expect(message).to.include({
        deliveryId: delivery.deliveryId,
        orderId: delivery.orderId,
        customerId: 'pay-announce',
        giftId: 'gold-mug',
      });
      expect(message.startedAt?.getTime()).to.equal(delivery.startedAt!.getTime());
    });

    it('the same payment event delivered twice starts one delivery and announces it once', async () => {
      const orderId = randomUUID();
      const event = orderPaid(orderId, 'pay-dup');
      await publishAndApply(event);
      const consumer = system.instancesOf('delivery')[0].service.consumer!;
      const duplicatesBefore = consumer.stats.duplicates;
      await system.publish([event]);
      await eventually(() => expect(consumer.stats.duplicates).to.equal(duplicatesBefore + 1));
      expect(await system.count('delivery.deliveries', `order_id = '${orderId}'`)).to.equal(1);
      const delivery = await getOrderDelivery(orderId);
      expect((await outboxOf(delivery.deliveryId)).map((row) => row.type)).to.deep.equal([STARTED]);
    });

    it('two different payment events for one order start one delivery (one delivery per order), announced once', async () => {
      const orderId = randomUUID();
      await publishAndApply(orderPaid(orderId, 'pay-twice'));
      const first = await getOrderDelivery(orderId);
      await publishAndApply(orderPaid(orderId, 'pay-twice'));
      expect(await system.count('delivery.deliveries', `order_id = '${orderId}'`)).to.equal(1);
      expect(await getOrderDelivery(orderId)).to.deep.equal(first);
      expect((await outboxOf(first.deliveryId)).map((row) => row.type)).to.deep.equal([STARTED]);
    });

    it('three payment events for one order published at once start one delivery', async () => {
      const orderId = randomUUID();
      await publishAndApply(orderPaid(orderId, 'pay-batch'), orderPaid(orderId, 'pay-batch'), orderPaid(orderId, 'pay-batch'));
      expect(await system.count('delivery.deliveries', `order_id = '${orderId}'`)).to.equal(1);
      const delivery = await getOrderDelivery(orderId);
      expect((await outboxOf(delivery.deliveryId)).map((row) => row.type)).to.deep.equal([STARTED]);
    });

    it('each paid order gets its own delivery', async () => {
      const first = await paidDelivery('pay-many');
      const second = await paidDelivery('pay-many');
      expect(first.deliveryId).to.not.equal(second.deliveryId);
      expect(first.orderId).to.not.equal(second.orderId);
    });

    it('a payment without a valid order id, customer id or gift id is dead-lettered at once and starts nothing', async () => {
      const deadBefore = await system.deadLetterCount('delivery');
      const before = await snapshot();
      await system.publish([
        orderPaid('', 'pay-poison'),
        orderPaid('not-a-uuid', 'pay-poison'),
        orderPaid(randomUUID(), ''),
        orderPaid(randomUUID(), 'pay-poison', 'has space'),
      ]);
      await eventually(async () => expect(await system.deadLetterCount('delivery')).to.equal(deadBefore + 4));
      expect(await snapshot()).to.deep.equal(before);
    });
  });

  describe('when a gift order is cancelled (gift.order_cancelled)', () => {
    it('cancels the started delivery: CANCELLED, start time kept, and exactly one DeliveryCancelled announced', async () => {
      const started = await paidDelivery('cancel-ok', 'gold-mug');
      await publishAndApply(orderCancelled(started.orderId, 'cancel-ok', 'gold-mug'));
      const cancelled = await getDelivery(started.deliveryId);
      expect(cancelled).to.include({
        deliveryId: started.deliveryId,
        orderId: started.orderId,
        customerId: 'cancel-ok',
        giftId: 'gold-mug',
      });
      expect(cancelled.status).to.equal(DeliveryStatus.DELIVERY_STATUS_CANCELLED);
      expect(cancelled.startedAt?.getTime()).to.equal(started.startedAt!.getTime());
      expect(cancelled.updatedAt!.getTime()).to.be.at.least(started.startedAt!.getTime());
      const rows = await outboxOf(started.deliveryId);
      expect(rows.map((row) => [row.type, row.routingKey])).to.deep.equal([
        [STARTED, deliveryStarted.routingKey],
        [CANCELLED, deliveryCancelled.routingKey],
      ]);
      const message = DeliveryCancelled.decode(rows[1].payload);
      expect(message).to.include({ deliveryId: started.deliveryId, orderId: started.orderId, customerId: 'cancel-ok', giftId: 'gold-mug' });
      expect(message.cancelledAt?.getTime()).to.equal(cancelled.updatedAt!.getTime());
    });

    it('a second cancellation of the order changes nothing and announces nothing more', async () => {
      const started = await paidDelivery('cancel-twice');
      await publishAndApply(orderCancelled(started.orderId, 'cancel-twice'));
      const cancelled = await getDelivery(started.deliveryId);
      await publishAndApply(orderCancelled(started.orderId, 'cancel-twice'));
      expect(await getDelivery(started.deliveryId)).to.deep.equal(cancelled);
      expect((await outboxOf(started.deliveryId)).map((row) => row.type)).to.deep.equal([STARTED, CANCELLED]);
    });

    it('a payment arriving after the cancellation does not restart the cancelled delivery', async () => {
      const started = await paidDelivery('cancel-then-pay');
      await publishAndApply(orderCancelled(started.orderId, 'cancel-then-pay'));
      await publishAndApply(orderPaid(started.orderId, 'cancel-then-pay'));
      expect((await getDelivery(started.deliveryId)).status).to.equal(DeliveryStatus.DELIVERY_STATUS_CANCELLED);
      expect(await system.count('delivery.deliveries', `order_id = '${started.orderId}'`)).to.equal(1);
      expect((await outboxOf(started.deliveryId)).map((row) => row.type)).to.deep.equal([STARTED, CANCELLED]);
    });

    it('a cancellation that overtakes the payment means no delivery is ever started or announced for the order', async () => {
      const orderId = randomUUID();
      const outboxBefore = await system.count('delivery.outbox_events');
      await publishAndApply(orderCancelled(orderId, 'cancel-early'));
      expectError(await callError(deliveries, deliveries.getOrderDelivery, { orderId }), status.NOT_FOUND, 'DELIVERY_NOT_FOUND');
      await publishAndApply(orderPaid(orderId, 'cancel-early'));
      expectError(await callError(deliveries, deliveries.getOrderDelivery, { orderId }), status.NOT_FOUND, 'DELIVERY_NOT_FOUND');
      // What holds the order's place is a tombstone: cancelled, never started.
      const rows = await storedRowsOf(orderId);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ status: 'cancelled', started_at: null });
      expect(await system.count('delivery.outbox_events')).to.equal(outboxBefore);
    });

    it('a cancellation published together with the payment, just ahead of it, starts no delivery', async () => {
      const orderId = randomUUID();
      const outboxBefore = await system.count('delivery.outbox_events');
      await publishAndApply(orderCancelled(orderId, 'cancel-batch'), orderPaid(orderId, 'cancel-batch'));
      expectError(await callError(deliveries, deliveries.getOrderDelivery, { orderId }), status.NOT_FOUND, 'DELIVERY_NOT_FOUND');
      expect(await storedRowsOf(orderId)).to.have.length(1);
      expect(await system.count('delivery.outbox_events')).to.equal(outboxBefore);
    });

    it('a cancellation after the gift was delivered leaves the delivery DELIVERED and announces nothing', async () => {
      const started = await paidDelivery('cancel-late');
      const delivered = await complete(started.deliveryId);
      await publishAndApply(orderCancelled(started.orderId, 'cancel-late'));
      expect(await getDelivery(started.deliveryId)).to.deep.equal(delivered);
      expect((await outboxOf(started.deliveryId)).map((row) => row.type)).to.deep.equal([STARTED, COMPLETED]);
    });

    it('a cancellation without a valid order id is dead-lettered at once and changes nothing', async () => {
      const deadBefore = await system.deadLetterCount('delivery');
      const before = await snapshot();
      await system.publish([orderCancelled('', 'cancel-poison'), orderCancelled('not-a-uuid', 'cancel-poison')]);
      await eventually(async () => expect(await system.deadLetterCount('delivery')).to.equal(deadBefore + 2));
      expect(await snapshot()).to.deep.equal(before);
    });
  });

  describe('GetDelivery', () => {
    it('returns the delivery exactly as GetOrderDelivery does', async () => {
      const byOrder = await paidDelivery('gd-ok');
      expect(await getDelivery(byOrder.deliveryId)).to.deep.equal(byOrder);
    });

    it('accepts the delivery id in upper case', async () => {
      const started = await paidDelivery('gd-upper');
      expect((await getDelivery(started.deliveryId.toUpperCase())).deliveryId).to.equal(started.deliveryId);
    });

    for (const { what, value } of BAD_UUIDS) {
      it(`refuses ${what} delivery_id with INVALID_ARGUMENT naming delivery_id`, async () => {
        const error = await callError(deliveries, deliveries.getDelivery, { deliveryId: value });
        expectInvalidArgument(error, 'delivery_id');
        if (value === '') expect(error.details).to.equal('delivery_id: is required');
      });
    }

    it('answers NOT_FOUND with DELIVERY_NOT_FOUND for a well-formed delivery id that does not exist', async () => {
      const error = await callError(deliveries, deliveries.getDelivery, { deliveryId: UNKNOWN_ID });
      expectError(error, status.NOT_FOUND, 'DELIVERY_NOT_FOUND');
      expect(error.details).to.include(UNKNOWN_ID);
    });

    it('an order id is not a delivery id: GetDelivery with an order id is NOT_FOUND', async () => {
      const started = await paidDelivery('gd-order-id');
      expectError(
        await callError(deliveries, deliveries.getDelivery, { deliveryId: started.orderId }),
        status.NOT_FOUND,
        'DELIVERY_NOT_FOUND',
      );
    });

    it('answers NOT_FOUND for the record an early cancellation left (it is not a delivery)', async () => {
      const orderId = randomUUID();
      await publishAndApply(orderCancelled(orderId, 'gd-tombstone'));
      const [tombstone] = await storedRowsOf(orderId);
      expectError(
        await callError(deliveries, deliveries.getDelivery, { deliveryId: tombstone.delivery_id }),
        status.NOT_FOUND,
        'DELIVERY_NOT_FOUND',
      );
    });
  });

  describe('GetOrderDelivery', () => {
    it('accepts the order id in upper case', async () => {
      const started = await paidDelivery('god-upper');
      expect(await getOrderDelivery(started.orderId.toUpperCase())).to.deep.equal(started);
    });

    for (const { what, value } of BAD_UUIDS) {
      it(`refuses ${what} order_id with INVALID_ARGUMENT naming order_id`, async () => {
        const error = await callError(deliveries, deliveries.getOrderDelivery, { orderId: value });
        expectInvalidArgument(error, 'order_id');
        if (value === '') expect(error.details).to.equal('order_id: is required');
      });
    }

    it('answers NOT_FOUND with DELIVERY_NOT_FOUND for an order that was never paid (not started yet)', async () => {
      const error = await callError(deliveries, deliveries.getOrderDelivery, { orderId: UNKNOWN_ID });
      expectError(error, status.NOT_FOUND, 'DELIVERY_NOT_FOUND');
      expect(error.details).to.include(UNKNOWN_ID);
    });

    it('a delivery id is not an order id: GetOrderDelivery with a delivery id is NOT_FOUND', async () => {
      const started = await paidDelivery('god-delivery-id');
      expectError(
        await callError(deliveries, deliveries.getOrderDelivery, { orderId: started.deliveryId }),
        status.NOT_FOUND,
        'DELIVERY_NOT_FOUND',
      );
    });
  });

  describe('CompleteDelivery', () => {
    it('delivers a started delivery: DELIVERED, start time kept, and exactly one DeliveryCompleted announced', async () => {
      const started = await paidDelivery('cd-ok', 'gold-mug');
      const delivered = await complete(started.deliveryId);
      expect(delivered).to.include({ deliveryId: started.deliveryId, orderId: started.orderId, customerId: 'cd-ok', giftId: 'gold-mug' });
      expect(delivered.status).to.equal(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
      expect(delivered.startedAt?.getTime()).to.equal(started.startedAt!.getTime());
      expect(delivered.updatedAt!.getTime()).to.be.at.least(started.startedAt!.getTime());
      expect(await getDelivery(started.deliveryId)).to.deep.equal(delivered);
      const rows = await outboxOf(started.deliveryId);
      expect(rows.map((row) => [row.type, row.routingKey])).to.deep.equal([
        [STARTED, deliveryStarted.routingKey],
        [COMPLETED, deliveryCompleted.routingKey],
      ]);
      const message = DeliveryCompleted.decode(rows[1].payload);
      expect(message).to.include({ deliveryId: started.deliveryId, orderId: started.orderId, customerId: 'cd-ok', giftId: 'gold-mug' });
      expect(message.completedAt?.getTime()).to.equal(delivered.updatedAt!.getTime());
    });

    it('completing a delivered delivery again returns it unchanged and announces nothing more', async () => {
      const started = await paidDelivery('cd-twice');
      const delivered = await complete(started.deliveryId);
      // A second completion that changed anything would stamp a later updated_at.
      await eventually(() => expect(Date.now()).to.be.above(delivered.updatedAt!.getTime()));
      expect(await complete(started.deliveryId)).to.deep.equal(delivered);
      expect(await getDelivery(started.deliveryId)).to.deep.equal(delivered);
      expect((await outboxOf(started.deliveryId)).map((row) => row.type)).to.deep.equal([STARTED, COMPLETED]);
    });

    it('concurrent completions all answer DELIVERED and announce one DeliveryCompleted', async () => {
      const started = await paidDelivery('cd-race');
      const results = await Promise.all(Array.from({ length: 5 }, () => complete(started.deliveryId)));
      for (const result of results) expect(result).to.deep.equal(results[0]);
      expect(results[0].status).to.equal(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
      expect((await outboxOf(started.deliveryId)).map((row) => row.type)).to.deep.equal([STARTED, COMPLETED]);
    });

    it('accepts the delivery id in upper case', async () => {
      const started = await paidDelivery('cd-upper');
      expect((await complete(started.deliveryId.toUpperCase())).status).to.equal(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    });

    it('refuses to complete a cancelled delivery with FAILED_PRECONDITION and DELIVERY_CANCELLED, and changes nothing', async () => {
      const started = await paidDelivery('cd-cancelled');
      await publishAndApply(orderCancelled(started.orderId, 'cd-cancelled'));
      const cancelled = await getDelivery(started.deliveryId);
      const error = await expectFailureChangesNothing(() =>
        callError(deliveries, deliveries.completeDelivery, { deliveryId: started.deliveryId }),
      );
      expectError(error, status.FAILED_PRECONDITION, 'DELIVERY_CANCELLED');
      expect(error.details).to.include(started.deliveryId);
      expect(await getDelivery(started.deliveryId)).to.deep.equal(cancelled);
      expect((await outboxOf(started.deliveryId)).map((row) => row.type)).to.deep.equal([STARTED, CANCELLED]);
    });

    for (const { what, value } of BAD_UUIDS) {
      it(`refuses ${what} delivery_id with INVALID_ARGUMENT naming delivery_id, and changes nothing`, async () => {
        await paidDelivery('cd-invalid');
        const error = await expectFailureChangesNothing(() => callError(deliveries, deliveries.completeDelivery, { deliveryId: value }));
        expectInvalidArgument(error, 'delivery_id');
        if (value === '') expect(error.details).to.equal('delivery_id: is required');
      });
    }

    it('answers NOT_FOUND with DELIVERY_NOT_FOUND for a well-formed delivery id that does not exist, and changes nothing', async () => {
      await paidDelivery('cd-unknown');
      const error = await expectFailureChangesNothing(() => callError(deliveries, deliveries.completeDelivery, { deliveryId: UNKNOWN_ID }));
      expectError(error, status.NOT_FOUND, 'DELIVERY_NOT_FOUND');
      expect(error.details).to.include(UNKNOWN_ID);
    });

    it("answers NOT_FOUND for an order id, and leaves that order's delivery STARTED", async () => {
      const started = await paidDelivery('cd-order-id');
      const error = await expectFailureChangesNothing(() =>
        callError(deliveries, deliveries.completeDelivery, { deliveryId: started.orderId }),
      );
      expectError(error, status.NOT_FOUND, 'DELIVERY_NOT_FOUND');
      expect(await getDelivery(started.deliveryId)).to.deep.equal(started);
    });

    it('answers NOT_FOUND for the record an early cancellation left, and it stays cancelled and never started', async () => {
      const orderId = randomUUID();
      await publishAndApply(orderCancelled(orderId, 'cd-tombstone'));
      const [tombstone] = await storedRowsOf(orderId);
      const error = await expectFailureChangesNothing(() =>
        callError(deliveries, deliveries.completeDelivery, { deliveryId: tombstone.delivery_id }),
      );
      expectError(error, status.NOT_FOUND, 'DELIVERY_NOT_FOUND');
      expect(await storedRowsOf(orderId)).to.deep.equal([tombstone]);
    });
  });
});
