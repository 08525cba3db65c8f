import type { Logger } from '../logging/logger.js';
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
import { topicMatches } from './topic-pattern.js';

/**
 * The embedded event transport: RabbitMQ's model (topic exchange, a durable queue per
 * consuming service, competing consumers, delayed retry, dead-letter queue) inside one
 * process. Queues outlive their consumers, so a stopped consumer catches up when it comes
 * back. It is not crash-durable: events the relay handed over but no consumer settled are
 * gone with the process. Use RabbitMQ (AMQP_URL) where that matters.
 */
export class InProcessEventBus implements EventBus {
  private readonly queues = new Map<string, InProcessQueue>();
  private closed = false;

  constructor(private readonly options: { retryDelayMs: number; logger: Logger }) {}

  isReady(): boolean {
    return !this.closed;
  }

  async publish(events: readonly Omit<EventEnvelope, 'attempt'>[]): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    for (const event of events) {
      for (const queue of this.queues.values()) {
        if (queue.bindings.some((pattern) => topicMatches(pattern, event.routingKey))) {
          queue.enqueue({ ...event, attempt: 1 });
        }
      }
    }
  }

  async sendToQueue(queue: string, events: readonly Omit<EventEnvelope, 'attempt'>[]): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    const target = this.queues.get(queue);
    if (!target) throw new QueueNotFoundError(queue);
    for (const event of events) target.enqueue({ ...event, attempt: 1 });
  }

  async subscribe(spec: SubscriptionSpec, handler: BatchHandler): Promise<Subscription> {
    const queue = this.declareQueue(spec.queue, spec.bindings);
    return queue.addConsumer(spec.prefetch, handler, spec.batchWindowMs ?? 0);
  }

  /** Declares a queue with no consumer yet (as a deployment's topology does), so it collects events. */
  declareQueue(name: string, bindings: readonly string[]): InProcessQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new InProcessQueue(name, this.options.retryDelayMs, this.options.logger);
      this.queues.set(name, queue);
    }
    for (const binding of bindings) if (!queue.bindings.includes(binding)) queue.bindings.push(binding);
    return queue;
  }

  /** Events parked after failing too often (what the DLQ holds in RabbitMQ). */
  deadLetters(queueName: string): readonly EventEnvelope[] {
    return this.queues.get(queueName)?.deadLetters ?? [];
  }

  async queueStats(queueName: string): Promise<QueueStats | undefined> {
    const queue = this.queues.get(queueName);
    return queue && { messages: queue.depth, consumers: queue.consumerCount, deadLetters: queue.deadLetters.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}

class InProcessQueue {
  readonly bindings: string[] = [];
  readonly deadLetters: EventEnvelope[] = [];
  private readonly ready: EventEnvelope[] = [];
  private readonly consumers = new Set<InProcessConsumer>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(
    readonly name: string,
    private readonly retryDelayMs: number,
    private readonly logger: Logger,
  ) {}

  get depth(): number {
    return this.ready.length;
  }

  get consumerCount(): number {
    return this.consumers.size;
  }

  enqueue(event: EventEnvelope): void {
    this.ready.push(event);
    for (const consumer of this.consumers) consumer.wake();
  }

  take(max: number): EventEnvelope[] {
    return this.ready.splice(0, max);
  }

  settle(event: EventEnvelope, outcome: DeliveryOutcome): void {
    if (outcome === 'dead-letter') {
      this.deadLetters.push(event);
      this.logger.warn('event dead-lettered', { queue: this.name, eventId: event.id, type: event.type });
    } else if (outcome === 'release') {
      this.enqueue(event);
    } else if (outcome === 'retry') {
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.enqueue({ ...event, attempt: event.attempt + 1 });
      }, this.retryDelayMs);
      this.retryTimers.add(timer);
    }
  }

  addConsumer(prefetch: number, handler: BatchHandler, batchWindowMs: number): Subscription {
    const consumer = new InProcessConsumer(this, prefetch, handler, this.logger, new BatchWindow(batchWindowMs));
    this.consumers.add(consumer);
    consumer.wake();
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  async close(): Promise<void> {
    for (const timer of this.retryTimers) clearTimeout(timer);
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
  }
}

/**
 * Takes what is ready, hands it over as one batch, settles it, and repeats until the queue is
 * empty; with a batch window, a batch starts at most once per window (BatchWindow).
 */
class InProcessConsumer {
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly queue: InProcessQueue,
    private readonly prefetch: number,
    private readonly handler: BatchHandler,
    private readonly logger: Logger,
    private readonly window: BatchWindow,
  ) {}

  wake(): void {
    if (this.queue.depth >= this.prefetch) this.window.cutShort();
    if (this.running || this.stopped) return;
    // Deliver on a later tick, never inside the publisher's call stack.
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.running = undefined;
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.window.cutShort();
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      if (this.queue.depth === 0) return;
      if (this.queue.depth < this.prefetch) await this.window.wait();
      if (this.stopped) return;
      this.window.started();
      const batch = this.queue.take(this.prefetch);
      if (batch.length === 0) return;
      let outcomes: DeliveryOutcome[];
      try {
        outcomes = await this.handler(batch);
      } catch (error) {
        // A handler that throws instead of answering: retry the whole batch later, never hot-loop.
        this.logger.error('event handler failed; batch will be retried', { queue: this.queue.name, error });
        outcomes = batch.map(() => 'retry');
      }
      for (const [i, event] of batch.entries()) this.queue.settle(event, outcomes[i] ?? 'retry');
    }
  }
}
