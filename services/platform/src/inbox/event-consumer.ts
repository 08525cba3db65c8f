import type { DeliveryOutcome, EventBus, EventEnvelope, Subscription } from '../bus/event-bus.js';
import type { Database, Transaction } from '../db/database.js';
import { settledWithin, TRANSACTION_DEADLINE_MS } from '../db/transaction-deadline.js';
import { DomainError } from '../errors/domain-error.js';
import { unavailability } from '../errors/infrastructure-error.js';
import type { EventType } from '../events/event-type.js';
import type { Logger } from '../logging/logger.js';
import { tallyBy } from '../metrics/batch-tally.js';
import { metricsEnabled } from '../metrics/metrics-registry.js';
import { eventLagSeconds, eventsConsumed } from '../metrics/platform-metrics.js';
import { asCausedBy, type ConsumeTrace, traceConsume } from '../telemetry/event-tracing.js';
import { type InboxTable, recordInInbox } from './inbox-table.js';

/** One decoded event with its envelope. */
export interface ReceivedEvent<T> {
  readonly message: T;
  readonly envelope: EventEnvelope;
}

/**
 * Applies one kind of event inside the consumer's transaction. It is handed a run of
 * consecutive events of its kind (one or many, in queue order), so a busy queue costs a few
 * statements per batch rather than per event.
 */
export interface EventHandler<T = unknown> {
  readonly event: EventType<T>;
  handle(tx: Transaction, events: readonly ReceivedEvent<T>[]): Promise<void>;
}

/** A handler of any event type (handler lists mix them; each is matched by its event's name). */
// biome-ignore lint/suspicious/noExplicitAny: the event type is invariant in T; lists hold many.
export type AnyEventHandler = EventHandler<any>;

/** A handler that applies events one at a time (for rare events, where batching buys nothing). */
export function handleEvent<T>(
  event: EventType<T>,
  handleOne: (tx: Transaction, message: T, envelope: EventEnvelope) => Promise<void>,
): EventHandler<T> {
  return {
    event,
    async handle(tx, events) {
      for (const { message, envelope } of events) await asCausedBy(envelope, () => handleOne(tx, message, envelope));
    },
  };
}

/** A handler that applies a whole run of events of its kind at once. */
export function handleEvents<T>(event: EventType<T>, handle: EventHandler<T>['handle']): EventHandler<T> {
  return { event, handle };
}

/**
 * An event that can never be applied (malformed, or breaking an invariant the publisher
 * guarantees). It goes straight to the dead-letter queue instead of being retried.
 */
export class PoisonEventError extends Error {
  override readonly name = 'PoisonEventError';
}

export interface EventConsumerOptions {
  db: Database;
  bus: EventBus;
  inbox: InboxTable;
  /** The service's queue name. */
  queue: string;
  handlers: readonly AnyEventHandler[];
  prefetch: number;
  /** Batches start at most once per this many ms (SubscriptionSpec.batchWindowMs; 0: no window). */
  batchWindowMs?: number;
  /** Deliveries of one event before it is dead-lettered. */
  maxAttempts: number;
  logger: Logger;
  /** Called after each committed batch (the service wakes its outbox relay here). */
  afterCommit?: () => void;
}

interface DecodedEvent {
  index: number;
  envelope: EventEnvelope;
  handler: EventHandler<unknown>;
  message: unknown;
}

type SettledOutcome = DeliveryOutcome | 'duplicate';

const OUTCOME_LABEL = {
  ack: 'applied',
  duplicate: 'duplicate',
  retry: 'retried',
  'dead-letter': 'dead_lettered',
  release: 'released',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The idempotent consumer every service uses. A batch of deliveries is applied in one
 * transaction together with inbox rows for their ids; ids already in the inbox are skipped,
 * so a redelivered event has no second effect. The broker ack is sent only after the commit.
 * If a batch fails, its events are retried one by one so one bad event cannot hold back the
 * rest; a failing event is retried with a delay and dead-lettered after maxAttempts.
 * A batch that fails because the database is away is not the events' fault: the consumer holds
 * it and tries again with backoff until the database answers (the unacked deliveries keep the
 * queue waiting), spending none of the events' attempts.
 */
export interface ConsumerStats {
  /** Events whose effect this consumer committed. */
  applied: number;
  /** Events skipped because the inbox already had them (redeliveries). */
  duplicates: number;
  retried: number;
  deadLettered: number;
  /** Times a batch waited for the database to come back. */
  waitedForDatabase: number;
}

/** Backoff while the database is away: doubling from the first wait up to the longest. */
const DATABASE_WAIT_FIRST_MS = 200;
const DATABASE_WAIT_LONGEST_MS = 5_000;

export class EventConsumer {
  readonly stats: ConsumerStats = { applied: 0, duplicates: 0, retried: 0, deadLettered: 0, waitedForDatabase: 0 };
  private subscription?: Subscription;
  private stopping = false;
  private interruptWait?: () => void;
  private readonly handlers = new Map<string, EventHandler<unknown>>();

  constructor(private readonly options: EventConsumerOptions) {
    for (const handler of options.handlers) this.handlers.set(handler.event.name, handler as EventHandler<unknown>);
  }

  get bindings(): string[] {
    return [...new Set([...this.handlers.values()].map((handler) => handler.event.routingKey))];
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    this.stopping = false;
    this.subscription = await this.options.bus.subscribe(
      { queue: this.options.queue, bindings: this.bindings, prefetch: this.options.prefetch, batchWindowMs: this.options.batchWindowMs },
      (batch) => this.process(batch),
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.interruptWait?.();
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }

  /** Exposed for the transports' contract: one outcome per delivery, in order. */
  async process(batch: readonly EventEnvelope[]): Promise<DeliveryOutcome[]> {
    const tracing = traceConsume(this.options.queue, batch);
    const outcomes: DeliveryOutcome[] = batch.map(() => 'dead-letter');
    const duplicates = new Set<EventEnvelope>();
    const errors = new Map<EventEnvelope, unknown>();
    const decoded = batch.flatMap((envelope, index) => this.decode(envelope, index));
    if (decoded.length > 0) {
      try {
        for (const item of await this.applyOnceDatabaseAnswers(decoded, tracing)) duplicates.add(item.envelope);
        for (const item of decoded) outcomes[item.index] = 'ack';
      } catch (error) {
        if (decoded.length === 1) {
          outcomes[decoded[0].index] = this.failureOutcome(decoded[0], error);
          errors.set(decoded[0].envelope, error);
        } else {
          // Isolate the failing event: apply each on its own.
          for (const item of decoded) {
            try {
              for (const duplicate of await this.applyOnceDatabaseAnswers([item], tracing)) duplicates.add(duplicate.envelope);
              outcomes[item.index] = 'ack';
            } catch (itemError) {
              outcomes[item.index] = this.failureOutcome(item, itemError);
              errors.set(item.envelope, itemError);
            }
          }
        }
      }
      this.options.afterCommit?.();
    }
    const settledAt = Date.now();
    const settled = batch.map((envelope, i) => {
      const outcome = outcomes[i];
      if (outcome === 'retry') this.stats.retried += 1;
      if (outcome === 'dead-letter') this.stats.deadLettered += 1;
      const settledAs: SettledOutcome = duplicates.has(envelope) ? 'duplicate' : outcome;
      tracing.settle(envelope, settledAs, errors.get(envelope));
      return { envelope, outcome: settledAs };
    });
    this.measure(settled, settledAt);
    return outcomes;
  }

  /** One inc per event type and outcome in the batch (see tallyBy); the lag of each applied event. */
  private measure(settled: readonly { envelope: EventEnvelope; outcome: SettledOutcome }[], at: number): void {
    if (!metricsEnabled()) return;
    const service = this.options.queue;
    for (const { first, count } of tallyBy(settled, ({ envelope, outcome }) => `${envelope.type} ${outcome}`).values())
      eventsConsumed.inc({ service, event_type: first.envelope.type, outcome: OUTCOME_LABEL[first.outcome] }, count);
    const lagLabels = new Map<string, { service: string; event_type: string }>();
    for (const { envelope, outcome } of settled) {
      if (outcome !== 'ack') continue;
      let labels = lagLabels.get(envelope.type);
      if (!labels) {
        labels = { service, event_type: envelope.type };
        lagLabels.set(envelope.type, labels);
      }
      eventLagSeconds.observe(labels, Math.max(0, at - envelope.occurredAt.getTime()) / 1000);
    }
  }

  /** apply(), repeated with backoff for as long as the database is away and we are not stopping. */
  private async applyOnceDatabaseAnswers(events: readonly DecodedEvent[], tracing: ConsumeTrace): Promise<DecodedEvent[]> {
    for (let waitMs = DATABASE_WAIT_FIRST_MS; ; waitMs = Math.min(waitMs * 2, DATABASE_WAIT_LONGEST_MS)) {
      try {
        return await this.apply(events, tracing);
      } catch (error) {
        const away = unavailability(error);
        if (!away || this.stopping) throw error;
        this.stats.waitedForDatabase += 1;
        this.options.logger.warn('database unavailable; holding events until it answers', {
          queue: this.options.queue,
          events: events.length,
          code: away.code,
          retryInMs: waitMs,
        });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          this.interruptWait = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.interruptWait = undefined;
      }
    }
  }

  private decode(envelope: EventEnvelope, index: number): DecodedEvent[] {
    const handler = this.handlers.get(envelope.type);
    if (!handler || !UUID.test(envelope.id)) {
      this.options.logger.warn('event cannot be handled; dead-lettering', {
        queue: this.options.queue,
        eventId: envelope.id,
        type: envelope.type,
      });
      return [];
    }
    try {
      return [{ index, envelope, handler, message: handler.event.codec.decode(envelope.payload) }];
    } catch (error) {
      this.options.logger.warn('event payload does not decode; dead-lettering', { queue: this.options.queue, eventId: envelope.id, error });
      return [];
    }
  }

  /** Applies the events in one transaction; returns those the inbox already had (duplicates). */
  private async apply(events: readonly DecodedEvent[], tracing: ConsumeTrace): Promise<DecodedEvent[]> {
    const unique = [...new Map(events.map((event) => [event.envelope.id.toLowerCase(), event])).values()];
    const { inbox } = this.options;
    const freshIds = await tracing.inTransaction(
      events.map((event) => event.envelope),
      () =>
        settledWithin(
          this.options.db.transaction(async (tx) => {
            const fresh = await recordInInbox(
              tx,
              inbox,
              unique.map(({ envelope }) => ({ eventId: envelope.id, eventType: envelope.type })),
            );
            const ids = new Set(fresh.map((eventId) => eventId.toLowerCase()));
            const toApply = unique.filter((event) => ids.has(event.envelope.id.toLowerCase()));
            // Consecutive events of one kind go to their handler together; the queue's order is kept.
            for (const run of consecutiveRuns(toApply)) await run[0].handler.handle(tx, run);
            return ids;
          }),
          TRANSACTION_DEADLINE_MS,
          `the ${this.options.queue} consumer's transaction`,
        ),
    );
    // Counted after commit: a rolled-back batch applied nothing. A copy of an event in the same
    // batch counts as a duplicate too.
    const applied = new Set<DecodedEvent>(unique.filter((event) => freshIds.has(event.envelope.id.toLowerCase())));
    const duplicates = events.filter((event) => !applied.has(event));
    this.stats.applied += applied.size;
    this.stats.duplicates += duplicates.length;
    return duplicates;
  }

  private failureOutcome(event: DecodedEvent, error: unknown): DeliveryOutcome {
    // Only reached while stopping: hand the event back untouched for the next consumer.
    if (unavailability(error)) return 'release';
    const permanent = error instanceof PoisonEventError || (error instanceof DomainError && error.kind === 'invalid-argument');
    const exhausted = event.envelope.attempt >= this.options.maxAttempts;
    const outcome = permanent || exhausted ? 'dead-letter' : 'retry';
    this.options.logger.warn('event failed', {
      queue: this.options.queue,
      eventId: event.envelope.id,
      type: event.envelope.type,
      attempt: event.envelope.attempt,
      outcome,
      error,
    });
    return outcome;
  }
}

function consecutiveRuns(events: readonly DecodedEvent[]): DecodedEvent[][] {
  const runs: DecodedEvent[][] = [];
  for (const event of events) {
    const last = runs[runs.length - 1];
    if (last && last[0].handler === event.handler) last.push(event);
    else runs.push([event]);
  }
  return runs;
}
