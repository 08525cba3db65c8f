import {
  type Context,
  context,
  createContextKey,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { DeliveryOutcome, EventEnvelope } from '../bus/event-bus.js';
import { contextFromTraceparent, traceparentOf } from './trace-context.js';
import { tracer, tracingEnabled } from './tracing.js';

type Outgoing = Omit<EventEnvelope, 'attempt'>;

/** PRODUCER spans of one relay batch: each event is published inside the context its row stored. */
export interface PublishTrace {
  readonly events: readonly Outgoing[];
  end(error?: unknown): void;
}

/**
 * Gives every traced event a PRODUCER span, child of the context stored with its outbox row
 * (the request or consumer transaction that wrote it), and puts that span's traceparent in
 * the event, which the transports carry as the `traceparent` header. Untraced events (and every
 * event while tracing is off) pass as they are.
 */
export function tracePublish(events: readonly Outgoing[]): PublishTrace {
  if (!tracingEnabled()) return { events, end: () => {} };
  const spans: Span[] = [];
  const traced = events.map((event) => {
    if (!event.traceparent) return event;
    const parent = contextFromTraceparent(event.traceparent);
    const span = tracer().startSpan(
      `publish ${event.routingKey}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'send',
          'messaging.rabbitmq.destination.routing_key': event.routingKey,
          'messaging.message.id': event.id,
          'event.type': event.type,
          'event.aggregate_id': event.aggregateId,
        },
      },
      parent,
    );
    spans.push(span);
    return { ...event, traceparent: traceparentOf(trace.setSpan(parent, span)) ?? event.traceparent };
  });
  return {
    events: traced,
    end(error) {
      for (const span of spans) {
        if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error).message ?? error) });
        span.end();
      }
    },
  };
}

/** CONSUMER spans of one consumed batch, one per event, each a child of its publish span. */
export interface ConsumeTrace {
  /**
   * Runs the batch's transaction in a span of its own, linked to every event's span: a child of
   * the event's span when it holds one event, a root of its own when it holds several (so no
   * mission's trace holds another's batch). Events written inside it take the trace of the
   * event that caused them (see causeTraceparent).
   */
  inTransaction<T>(events: readonly EventEnvelope[], work: () => Promise<T>): Promise<T>;
  /** Ends the event's span with what the consumer decided. */
  settle(envelope: EventEnvelope, outcome: DeliveryOutcome | 'duplicate', error?: unknown): void;
}

/** The events being applied in the active transaction, each with the context of its CONSUMER span. */
const CAUSES = createContextKey('game-event-rewards.event-causes');
type Causes = ReadonlyMap<EventEnvelope, Context>;

/**
 * Runs work as the handling of one event of the batch: events written inside it take that
 * event's trace. One-at-a-time handlers run each event in it.
 */
export function asCausedBy<T>(envelope: EventEnvelope, work: () => T): T {
  const causes = context.active().getValue(CAUSES) as Causes | undefined;
  const cause = causes?.get(envelope);
  if (!cause) return work();
  return context.with(context.active().setValue(CAUSES, new Map([[envelope, cause]])), work);
}

/**
 * The traceparent an event written now should carry: that of the consumed event that caused it,
 * when it is written while a batch is applied. With one candidate that is the one; a handler
 * given several events at once writes their consequences together, and each consequence names
 * the aggregate of its cause (a RewardIssued names its mission, a WalletCredited its reward),
 * so the cause is the event whose aggregate id the payload holds. Undefined outside a batch, or
 * when no cause is named: the row takes the active (batch) context then.
 */
export function causeTraceparent(payload: Uint8Array): string | undefined {
  const causes = context.active().getValue(CAUSES) as Causes | undefined;
  if (!causes || causes.size === 0) return undefined;
  if (causes.size === 1) return traceparentOf(causes.values().next().value as Context);
  // One pass over the payload per row, not one search per cause: a batch of n events writes n
  // rows, and searching each row for every cause's id cost n^2 (a tenth of the CPU at n = 500).
  const index = causeIndex(causes);
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('latin1');
  for (const [id] of text.matchAll(UUID)) {
    const cause = index.byUuid.get(id.toLowerCase());
    if (cause) return traceparentOf(cause);
  }
  for (const [id, cause] of index.others) if (text.includes(id)) return traceparentOf(cause);
  return undefined;
}

const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const UUID_ONLY = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

interface CauseIndex {
  /** Causes by their aggregate id, where it is a UUID (every chain aggregate's is). */
  readonly byUuid: ReadonlyMap<string, Context>;
  /** The rest, searched for as text. */
  readonly others: readonly [string, Context][];
}

/** Built once per batch (the causes map lives as long as the batch's transaction). */
const causeIndexes = new WeakMap<Causes, CauseIndex>();

function causeIndex(causes: Causes): CauseIndex {
  let index = causeIndexes.get(causes);
  if (!index) {
    const byUuid = new Map<string, Context>();
    const others: [string, Context][] = [];
    for (const [envelope, cause] of causes) {
      const id = envelope.aggregateId;
      // The first event of an aggregate in the batch wins, as the batch's order would have it.
      if (UUID_ONLY.test(id)) {
        if (!byUuid.has(id.toLowerCase())) byUuid.set(id.toLowerCase(), cause);
      } else others.push([id, cause]);
    }
    index = { byUuid, others };
    causeIndexes.set(causes, index);
  }
  return index;
}

const NOT_TRACED: ConsumeTrace = { inTransaction: (_events, work) => work(), settle: () => {} };

export function traceConsume(queue: string, batch: readonly EventEnvelope[]): ConsumeTrace {
  if (!tracingEnabled()) return NOT_TRACED;
  const spans = new Map<EventEnvelope, { span: Span; context: Context }>();
  for (const envelope of batch) {
    const parent = contextFromTraceparent(envelope.traceparent);
    const span = tracer().startSpan(
      `${queue} process ${envelope.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': queue,
          'messaging.message.id': envelope.id,
          'messaging.rabbitmq.destination.routing_key': envelope.routingKey,
          'event.type': envelope.type,
          'event.aggregate_id': envelope.aggregateId,
          'event.attempt': envelope.attempt,
        },
      },
      parent,
    );
    spans.set(envelope, { span, context: trace.setSpan(parent, span) });
  }
  return {
    async inTransaction(events, work) {
      const causes = new Map<EventEnvelope, Context>();
      const links: Link[] = [];
      for (const envelope of events) {
        const entry = spans.get(envelope);
        if (!entry) continue;
        causes.set(envelope, entry.context);
        links.push({ context: entry.span.spanContext() });
      }
      // Several events, some traced: a root linked to them. One event, or none traced (a root
      // would start a trace the callers sampled out): under the first event, as its child.
      const several = causes.size > 1 && events.some((envelope) => spans.get(envelope)?.span.isRecording());
      const parent = several ? ROOT_CONTEXT : (causes.values().next().value ?? context.active());
      const span = tracer().startSpan(
        `${queue} transaction`,
        {
          kind: SpanKind.INTERNAL,
          links: several ? links : [],
          attributes: { 'db.system': 'postgresql', 'messaging.batch.message_count': events.length },
        },
        parent,
      );
      try {
        return await context.with(trace.setSpan(parent, span).setValue(CAUSES, causes), work);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error).message ?? error) });
        throw error;
      } finally {
        span.end();
      }
    },
    settle(envelope, outcome, error) {
      const entry = spans.get(envelope);
      if (!entry) return;
      spans.delete(envelope);
      entry.span.setAttribute('event.outcome', outcome);
      if (outcome === 'retry' || outcome === 'dead-letter')
        entry.span.setStatus({ code: SpanStatusCode.ERROR, message: error ? String((error as Error).message ?? error) : outcome });
      entry.span.end();
    },
  };
}
