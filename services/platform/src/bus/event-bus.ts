/**
 * The port every service uses for events. Two transports implement it: RabbitMQ (amqplib)
 * for real deployments and tests, and an in-process one for the embedded mode. Both give the
 * same guarantees a consumer relies on: a durable queue per consuming service, competing
 * consumers on it, at-least-once delivery, delayed retry, and a dead-letter queue.
 */
export interface EventEnvelope {
  /** Unique per event; the inbox deduplicates on it. */
  readonly id: string;
  /** Full protobuf message name, e.g. game.mission.v1.MissionAchieved. */
  readonly type: string;
  /** `<context>.<past-verb>`, e.g. mission.achieved. */
  readonly routingKey: string;
  /** The record the event is about (its correlation key). */
  readonly aggregateId: string;
  readonly occurredAt: Date;
  /** The protobuf-encoded message. */
  readonly payload: Uint8Array;
  /** 1 on the first delivery, then counts retries. */
  readonly attempt: number;
  /** W3C trace context of the span that published it (message header `traceparent`), if traced. */
  readonly traceparent?: string;
}

/**
 * What the consumer decided for each event of a batch, in the batch's order. 'release' hands the
 * event back to its queue as it was, without counting an attempt (the consumer is stopping while
 * its database is away: the event did nothing wrong).
 */
export type DeliveryOutcome = 'ack' | 'retry' | 'dead-letter' | 'release';

export interface SubscriptionSpec {
  /** The consuming service's durable queue (without the deployment's prefix). */
  readonly queue: string;
  /** Routing-key patterns (AMQP topic syntax: `*` one word, `#` any number). */
  readonly bindings: readonly string[];
  /** Events held unacknowledged at once; also the largest batch handed over. */
  readonly prefetch: number;
  /**
   * Batches start at most once per this many milliseconds (0 or absent: as soon as the last is
   * settled). The first event after a quiet spell goes at once; under a steady stream each batch
   * waits out the rest of the window (or until prefetch events are in hand), so it holds what
   * came meanwhile. Batch size then grows with the rate instead of the CPU each event costs. For
   * read models, whose pages may lag by tens of milliseconds (BatchWindow, batch-window.ts).
   */
  readonly batchWindowMs?: number;
}

/**
 * Gets a batch of deliveries (one or more, in queue order) and answers with an outcome for
 * each. The next batch is not handed over until this one is settled.
 */
export type BatchHandler = (batch: readonly EventEnvelope[]) => Promise<DeliveryOutcome[]>;

export interface Subscription {
  /** Stops taking deliveries, waits for the batch in hand, and lets unsettled ones go back. */
  close(): Promise<void>;
}

export interface EventBus {
  /** Resolves once the transport has taken responsibility for every event (broker confirm). */
  publish(events: readonly Omit<EventEnvelope, 'attempt'>[]): Promise<void>;
  subscribe(spec: SubscriptionSpec, handler: BatchHandler): Promise<Subscription>;
  /**
   * Puts events into one consuming service's queue only, past the exchange's routing, so no
   * other consumer sees them (a replay into a read model being rebuilt). Resolves once the
   * transport has taken every event; rejects with QueueNotFoundError if the queue does not exist.
   */
  sendToQueue?(queue: string, events: readonly Omit<EventEnvelope, 'attempt'>[]): Promise<void>;
  /** Depth and consumers of a consuming service's queue and its dead-letter queue (metrics). */
  queueStats?(queue: string): Promise<QueueStats | undefined>;
  /** Connected and able to publish now. */
  isReady(): boolean;
  close(): Promise<void>;
}

export interface QueueStats {
  /** Ready to be delivered (not counting deliveries in hand). */
  readonly messages: number;
  readonly consumers: number;
  /** Parked in the dead-letter queue. */
  readonly deadLetters: number;
}

/** sendToQueue was given a queue no consuming service ever declared. */
export class QueueNotFoundError extends Error {
  override readonly name = 'QueueNotFoundError';
  constructor(readonly queue: string) {
    super(`queue ${queue} does not exist`);
  }
}
