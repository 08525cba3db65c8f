import { randomBytes, randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { expect } from 'chai';
import { AmqpEventBus } from '#platform/bus/amqp-event-bus';
import type { DeliveryOutcome, EventBus, EventEnvelope, Subscription } from '#platform/bus/event-bus';
import { InProcessEventBus } from '#platform/bus/in-process-event-bus';
import { createLogger } from '#platform/logging/logger';
import { eventually } from '#testing/eventually';
import { TEST_AMQP_URL } from '#testing/test-system';

const logger = createLogger({ level: 'silent' });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A consumer's batch window (SubscriptionSpec.batchWindowMs), on both transports: after a quiet
 * spell an event is handed over alone, events that come within the window after it wait and are
 * handed over together, a full batch does not wait, and stopping does not wait either (what was
 * waiting stays queued).
 */
for (const transport of ['rabbitmq', 'in-process'] as const) {
  describe(`A consumer's batch window (${transport})`, function () {
    this.timeout(30_000);
    const id = `tw${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const exchange = `test.${id}.events`;
    let bus: EventBus;
    let subscription: Subscription | undefined;
    let queue = '';
    let batches: string[][] = [];

    before(async () => {
      bus =
        transport === 'rabbitmq'
          ? await AmqpEventBus.connect({
              url: TEST_AMQP_URL,
              exchange,
              queuePrefix: `test.${id}`,
              retryDelayMs: 100,
              connectionName: 'batch-window-test',
              connectRetries: 1,
              logger,
            })
          : new InProcessEventBus({ retryDelayMs: 100, logger });
    });

    after(async () => {
      await bus.close();
      if (transport !== 'rabbitmq') return;
      const connection = await amqp.connect(TEST_AMQP_URL);
      const channel = await connection.createChannel();
      for (const name of ['a', 'b', 'c', 'd'])
        for (const suffix of ['', '.retry', '.dlq']) await channel.deleteQueue(`test.${id}.window-${name}${suffix}`).catch(() => {});
      await channel.deleteExchange(exchange).catch(() => {});
      await connection.close();
    });

    afterEach(async () => {
      await subscription?.close();
      subscription = undefined;
    });

    async function consume(name: string, prefetch: number, batchWindowMs: number): Promise<void> {
      batches = [];
      queue = `window-${name}`;
      subscription = await bus.subscribe(
        { queue, bindings: [`window.${name}.#`], prefetch, batchWindowMs },
        async (batch: readonly EventEnvelope[]): Promise<DeliveryOutcome[]> => {
          batches.push(batch.map((event) => event.aggregateId));
          return batch.map(() => 'ack');
        },
      );
    }

    const publish = (name: string, aggregateId: string) =>
      bus.publish([
        {
          id: randomUUID(),
          type: 'probe',
          routingKey: `window.${name}.probe`,
          aggregateId,
          occurredAt: new Date(),
          payload: new Uint8Array([1]),
        },
      ]);

    /** One event, then five more 20 ms apart: each is its own publish, confirm and delivery. */
    async function oneThenAStream(name: string): Promise<void> {
      await publish(name, 'first');
      await eventually(() => expect(batches.flat()).to.include('first'));
      for (let i = 1; i <= 5; i += 1) {
        await pause(20);
        await publish(name, `next-${i}`);
      }
      await eventually(() => expect(batches.flat()).to.have.length(6));
    }

    it('without a window, events that come 20 ms apart are batches of their own', async () => {
      await consume('a', 100, 0);
      await oneThenAStream('a');
      expect(batches.length, JSON.stringify(batches)).to.be.greaterThan(3);
    });

    it('with a window, the first event after a quiet spell goes alone and those within the window after it go together', async () => {
      await consume('b', 100, 1_000);
      await oneThenAStream('b');
      expect(batches).to.deep.equal([['first'], ['next-1', 'next-2', 'next-3', 'next-4', 'next-5']]);
    });

    it('a full batch (prefetch events in hand) does not wait for the window', async () => {
      await consume('c', 3, 60_000);
      await publish('c', 'first');
      await eventually(() => expect(batches).to.deep.equal([['first']]));
      for (const aggregateId of ['x', 'y', 'z']) await publish('c', aggregateId);
      await eventually(() => expect(batches).to.deep.equal([['first'], ['x', 'y', 'z']]));
    });

    it('stopping cuts the window short, and what waited in it is left queued, not handed over or lost', async () => {
      await consume('d', 100, 60_000);
      await publish('d', 'first');
      await eventually(() => expect(batches).to.deep.equal([['first']]));
      await publish('d', 'waiting');
      // Held in the window: the consumer has it (RabbitMQ) or it is ready in the queue (in-process).
      await pause(100);
      await subscription?.close();
      subscription = undefined;
      expect(batches).to.deep.equal([['first']]);
      await eventually(async () => expect((await bus.queueStats?.(queue))?.messages).to.equal(1));
    });
  });
}
