import { once } from 'node:events';
import type amqp from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { Logger } from '../logging/logger.js';
import { openAmqpConnection } from './amqp-startup-connection.js';
import { BatchWindow } from './batch-window.js';
import {
  type BatchHandler,
  type DeliveryOutcome,
  type EventBus,
  type EventEnvelope,
  QueueNotFoundError,
  type QueueStats,
  type Subscription,
  type SubscriptionSpec,
} from './event-bus.js';
import { declareServiceQueues, type ServiceQueues } from './quorum-queues.js';

export interface AmqpEventBusOptions {
  url: string;
  /** Durable topic exchange for domain events. */
  exchange: string;
  /** Prepended to every queue name (`<prefix>.<service>`). */
  queuePrefix: string;
  retryDelayMs: number;
  /** Shown in the broker's connection list. */
  connectionName: string;
  /** Connection attempts at start-up after the first (default 10); reconnects later never give up. */
  connectRetries?: number;
  logger: Logger;
}

/** Thrown by publish while the broker is unreachable; the outbox relay backs off and tries again. */
export class BrokerUnavailableError extends Error {
  override readonly name = 'BrokerUnavailableError';
}

const HEADER_ATTEMPT = 'x-attempt';
const HEADER_ROUTING_KEY = 'x-routing-key';
const HEADER_AGGREGATE_ID = 'x-aggregate-id';
const HEADER_OCCURRED_AT = 'x-occurred-at';
/** W3C Trace Context's own header name, so any traced consumer picks it up. */
const HEADER_TRACEPARENT = 'traceparent';

/**
 * RabbitMQ transport. Topology per consuming service:
 *   <exchange> (topic) --binding--> <prefix>.<service>            the work queue
 *   <prefix>.<service>.retry   (TTL, dead-letters back to the work queue: delayed retry)
 *   <exchange>.dlx (direct) --> <prefix>.<service>.dlq           poison and exhausted events
 * all quorum queues (quorum-queues.ts, which also migrates classic queues left by older versions).
 * Publishing uses publisher confirms. The connection recovers by itself (amqplib recovery);
 * on every reconnect the topology, the publisher channel and every consumer are restored.
 */
export class AmqpEventBus implements EventBus {
  private connection?: amqp.RecoveringChannelModel;
  private publisher?: ConfirmChannel;
  private readonly subscriptions = new Set<AmqpSubscription>();
  private model?: ChannelModel;
  private closing = false;

  private constructor(private readonly options: AmqpEventBusOptions) {}

  static async connect(options: AmqpEventBusOptions): Promise<AmqpEventBus> {
    const bus = new AmqpEventBus(options);
    await bus.open();
    return bus;
  }

  get deadLetterExchange(): string {
    return `${this.options.exchange}.dlx`;
  }

  get topology(): ServiceQueues {
    return { exchange: this.options.exchange, deadLetterExchange: this.deadLetterExchange, retryDelayMs: this.options.retryDelayMs };
  }

  queueName(queue: string): string {
    return `${this.options.queuePrefix}.${queue}`;
  }

  isReady(): boolean {
    return this.publisher !== undefined;
  }

  private async open(): Promise<void> {
    const { logger } = this.options;
    this.connection = await openAmqpConnection({
      url: this.options.url,
      connectionName: this.options.connectionName,
      retries: this.options.connectRetries ?? 10,
      setup: (model: ChannelModel) => this.restore(model),
      logger,
    });
    // The recovering connection re-emits errors; an unheard 'error' would crash the process.
    this.connection.on('error', (error: Error) => logger.warn('broker connection error', { error }));
    this.connection.on('disconnect', (error: Error) => {
      this.publisher = undefined;
      this.model = undefined;
      if (!this.closing) logger.warn('broker connection lost; reconnecting', { error });
    });
    this.connection.on('connect', () => logger.info('broker connected'));
  }

  /** Runs after every (re)connect, before the connection counts as ready. */
  private async restore(model: ChannelModel): Promise<void> {
    const publisher = await model.createConfirmChannel();
    publisher.on('error', (error: Error) => this.options.logger.warn('publisher channel error', { error }));
    publisher.on('close', () => {
      if (this.publisher === publisher) this.publisher = undefined;
    });
    await publisher.assertExchange(this.options.exchange, 'topic', { durable: true });
    await publisher.assertExchange(this.deadLetterExchange, 'direct', { durable: true });
    this.model = model;
    this.publisher = publisher;
    for (const subscription of this.subscriptions) await subscription.attach(model);
  }

  async publish(events: readonly Omit<EventEnvelope, 'attempt'>[]): Promise<void> {
    const channel = this.publisher;
    if (!channel) throw new BrokerUnavailableError('broker unavailable');
    await sendConfirmed(channel, events, (event, confirmed) =>
      channel.publish(this.options.exchange, event.routingKey, Buffer.from(event.payload), toProperties(event, 1), confirmed),
    );
  }

  /** Through the default exchange straight into `<prefix>.<queue>`, with publisher confirms. */
  async sendToQueue(queue: string, events: readonly Omit<EventEnvelope, 'attempt'>[]): Promise<void> {
    const channel = this.publisher;
    const model = this.model;
    if (!channel || !model) throw new BrokerUnavailableError('broker unavailable');
    const name = this.queueName(queue);
    // The default exchange silently drops what no queue takes, so check first. A missing queue
    // closes the channel it was checked on: use a throwaway one.
    const probe = await model.createChannel();
    probe.on('error', () => {});
    try {
      await probe.checkQueue(name);
    } catch (error) {
      throw (error as { code?: unknown }).code === 404 ? new QueueNotFoundError(name) : error;
    } finally {
      await probe.close().catch(() => {});
    }
    await sendConfirmed(channel, events, (event, confirmed) =>
      channel.sendToQueue(name, Buffer.from(event.payload), toProperties(event, 1), confirmed),
    );
  }

  /** From the broker (queue.declare passive); undefined while disconnected or if the queue is not declared. */
  async queueStats(queue: string): Promise<QueueStats | undefined> {
    const model = this.model;
    if (!model) return undefined;
    // A missing queue closes the channel it was checked on: use a throwaway one.
    const probe = await model.createChannel();
    probe.on('error', () => {});
    try {
      const work = await probe.checkQueue(this.queueName(queue));
      const dead = await probe.checkQueue(`${this.queueName(queue)}.dlq`);
      return { messages: work.messageCount, consumers: work.consumerCount, deadLetters: dead.messageCount };
    } catch {
      return undefined;
    } finally {
      await probe.close().catch(() => {});
    }
  }

  /** Re-queues an event for a later attempt, through the queue's retry queue. */
  async publishRetry(queue: string, message: ConsumeMessage, attempt: number): Promise<void> {
    const channel = this.publisher;
    if (!channel) throw new BrokerUnavailableError('broker unavailable');
    const headers = { ...message.properties.headers, [HEADER_ATTEMPT]: attempt + 1 };
    await sendConfirmed(channel, [message], (retried, confirmed) =>
      channel.sendToQueue(`${queue}.retry`, retried.content, { ...retried.properties, headers }, confirmed),
    );
  }

  async subscribe(spec: SubscriptionSpec, handler: BatchHandler): Promise<Subscription> {
    const subscription = new AmqpSubscription(this, spec, this.queueName(spec.queue), handler, this.options);
    this.subscriptions.add(subscription);
    if (this.model) await subscription.attach(this.model);
    return {
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.detach();
      },
    };
  }

  /** Declares a consuming service's queues and bindings without consuming (topology set-up, tests). */
  async declareQueue(spec: Pick<SubscriptionSpec, 'queue' | 'bindings'>): Promise<string> {
    if (!this.model) throw new BrokerUnavailableError('broker unavailable');
    await declareServiceQueues(this.model, this.queueName(spec.queue), spec.bindings, this.topology, this.options.logger);
    return this.queueName(spec.queue);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.detach()));
    this.subscriptions.clear();
    await this.connection?.close().catch(() => {});
  }
}

interface Delivery {
  readonly message: ConsumeMessage;
  readonly channel: Channel;
}

/**
 * Sends items on the confirm channel and settles once the broker has confirmed every one of them
 * (rejects if it refused one, or if the channel closed first: amqplib then fails each pending
 * callback). One promise per batch, through amqplib's per-message confirm callbacks:
 * waitForConfirms makes a promise for every message outstanding on the channel (a relay batch
 * holds hundreds, each one more object for the GC and, with tracing on, for the async hooks), and
 * also waits for messages other callers sent on the channel meanwhile.
 */
async function sendConfirmed<T>(
  channel: ConfirmChannel,
  items: readonly T[],
  send: (item: T, confirmed: (error: unknown) => void) => boolean,
): Promise<void> {
  if (items.length === 0) return;
  let outstanding = items.length;
  let refusal: unknown;
  let settle!: (error?: unknown) => void;
  const allConfirmed = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  const confirmed = (error: unknown) => {
    if (error) refusal ??= error;
    outstanding -= 1;
    if (outstanding === 0) settle(refusal);
  };
  for (const item of items) {
    // Respect the socket's backpressure rather than buffering without bound.
    if (!send(item, confirmed)) await once(channel, 'drain');
  }
  await allConfirmed;
}

/**
 * One consumer on a service's queue. Deliveries that arrive in the same I/O turn are handed
 * over as one batch (so a busy queue is processed many events per transaction, while a quiet
 * one adds no delay); the next batch waits until this one is settled, and, with a batch window,
 * until the window since the last batch started has passed (BatchWindow).
 */
class AmqpSubscription {
  private channel?: Channel;
  private consumerTag?: string;
  private buffer: Delivery[] = [];
  private pumping?: Promise<void>;
  private closed = false;
  private readonly window: BatchWindow;

  constructor(
    private readonly bus: AmqpEventBus,
    private readonly spec: SubscriptionSpec,
    private readonly queue: string,
    private readonly handler: BatchHandler,
    private readonly options: AmqpEventBusOptions,
  ) {
    this.window = new BatchWindow(spec.batchWindowMs ?? 0);
  }

  async attach(model: ChannelModel): Promise<void> {
    if (this.closed) return;
    await declareServiceQueues(model, this.queue, this.spec.bindings, this.bus.topology, this.options.logger);
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => this.options.logger.warn('consumer channel error', { queue: this.queue, error }));
    await channel.prefetch(this.spec.prefetch);
    this.channel = channel;
    const { consumerTag } = await channel.consume(this.queue, (message) => {
      if (message) this.receive({ message, channel });
    });
    this.consumerTag = consumerTag;
  }

  async detach(): Promise<void> {
    this.closed = true;
    this.window.cutShort();
    const channel = this.channel;
    this.channel = undefined;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => {});
    await this.pumping;
    // Closing the channel hands every unsettled delivery back to the queue.
    if (channel) await channel.close().catch(() => {});
  }

  private receive(delivery: Delivery): void {
    this.buffer.push(delivery);
    if (this.buffer.length >= this.spec.prefetch) this.window.cutShort();
    this.kick();
  }

  private kick(): void {
    if (this.pumping || this.buffer.length === 0) return;
    // Wait one turn so every delivery parsed from the same socket read joins the batch.
    this.pumping = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.pumping = undefined;
        this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      if (this.buffer.length < this.spec.prefetch && !this.closed) await this.window.wait();
      this.window.started();
      // Deliveries from a channel that died will be redelivered on the new one: drop them here.
      const batch = this.buffer.splice(0, this.spec.prefetch).filter((d) => d.channel === this.channel);
      const valid: Delivery[] = [];
      const envelopes: EventEnvelope[] = [];
      for (const delivery of batch) {
        const envelope = toEnvelope(delivery.message);
        if (envelope) {
          valid.push(delivery);
          envelopes.push(envelope);
        } else {
          this.options.logger.warn('malformed message dead-lettered', { queue: this.queue, properties: delivery.message.properties });
          safely(() => delivery.channel.nack(delivery.message, false, false));
        }
      }
      if (valid.length === 0) continue;
      let outcomes: DeliveryOutcome[];
      try {
        outcomes = await this.handler(envelopes);
      } catch (error) {
        this.options.logger.error('event handler failed; batch will be retried', { queue: this.queue, error });
        outcomes = envelopes.map(() => 'retry');
      }
      await this.settle(valid, envelopes, outcomes);
    }
  }

  private async settle(deliveries: Delivery[], envelopes: EventEnvelope[], outcomes: DeliveryOutcome[]): Promise<void> {
    if (outcomes.every((outcome) => outcome === 'ack')) {
      // Every earlier delivery on this channel is settled already, so one multiple-ack covers the batch.
      const last = deliveries[deliveries.length - 1];
      safely(() => last.channel.ack(last.message, true));
      return;
    }
    for (let i = 0; i < deliveries.length; i += 1) {
      const { message, channel } = deliveries[i];
      const outcome = outcomes[i] ?? 'retry';
      if (outcome === 'ack') safely(() => channel.ack(message));
      else if (outcome === 'dead-letter') safely(() => channel.nack(message, false, false));
      else if (outcome === 'release') safely(() => channel.nack(message, false, true));
      else await this.retry(message, channel, envelopes[i].attempt);
    }
  }

  private async retry(message: ConsumeMessage, channel: Channel, attempt: number): Promise<void> {
    try {
      await this.bus.publishRetry(this.queue, message, attempt);
      safely(() => channel.ack(message));
    } catch (error) {
      // Could not park it for later: leave it unacknowledged; it returns to the queue with the channel.
      this.options.logger.warn('could not schedule retry', { queue: this.queue, error });
    }
  }
}

function toProperties(event: Omit<EventEnvelope, 'attempt'>, attempt: number): Options.Publish {
  return {
    persistent: true,
    messageId: event.id,
    type: event.type,
    contentType: 'application/x-protobuf',
    timestamp: Math.floor(event.occurredAt.getTime() / 1000),
    headers: {
      [HEADER_ATTEMPT]: attempt,
      [HEADER_ROUTING_KEY]: event.routingKey,
      [HEADER_AGGREGATE_ID]: event.aggregateId,
      [HEADER_OCCURRED_AT]: event.occurredAt.toISOString(),
      ...(event.traceparent ? { [HEADER_TRACEPARENT]: event.traceparent } : {}),
    },
  };
}

/** A delivery without the envelope every publisher of this platform sets is poison. */
function toEnvelope(message: ConsumeMessage): EventEnvelope | undefined {
  const { messageId, type, headers = {} } = message.properties;
  const occurredAt = new Date(String(headers[HEADER_OCCURRED_AT] ?? ''));
  if (typeof messageId !== 'string' || messageId === '' || typeof type !== 'string' || type === '') return undefined;
  if (Number.isNaN(occurredAt.getTime())) return undefined;
  return {
    id: messageId,
    type,
    routingKey: String(headers[HEADER_ROUTING_KEY] ?? message.fields.routingKey),
    aggregateId: String(headers[HEADER_AGGREGATE_ID] ?? ''),
    occurredAt,
    payload: message.content,
    attempt: Number(headers[HEADER_ATTEMPT] ?? 1) || 1,
    traceparent: typeof headers[HEADER_TRACEPARENT] === 'string' ? headers[HEADER_TRACEPARENT] : undefined,
  };
}

/** Acks on a channel that just closed throw; the broker redelivers those, and the inbox dedupes. */
function safely(action: () => void): void {
  try {
    action();
  } catch {
    /* channel gone: redelivery covers it */
  }
}
