import { context, createContextKey, type Link, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { DeliveryOutcome, EventEnvelope } from '../bus/event-bus.js';
import { isSampled, spanContextOf, traceparentOfSpanContext } from './trace-context.js';
import { tracer, tracingEnabled } from './tracing.js';

type Outgoing = Pick<EventEnvelope, 'id' | 'type' | 'routingKey' | 'aggregateId' | 'traceparent'>;

/** The PRODUCER span of one relay batch. */
export interface PublishTrace {
  end(error?: unknown): void;
}

const NOT_TRACED_PUBLISH: PublishTrace = { end: () => {} };

/**
 * One PRODUCER span per relay batch, the OpenTelemetry messaging conventions' form for a batch
 * sent at once: the events go out with the traceparent their rows stored (the creation context:
 * the request or consumer that wrote the row), so each consumer continues its own event's trace,
 * and the send span links to every event's creation context. A batch of one traced event is its
 * child, inside that trace; a batch of several traces is a root of its own, so no mission's trace
 * holds another's publish (as a consumer's batch transaction). One span per batch, not one per
 * event: a mission makes 4 spans instead of 8, so each process records and exports half as many.
 * (It did not measurably lower tracing's CPU on the chain: recording spans is not where most of
 * that goes; see issue 12's notes in docs/observability.md.)
 */
export function tracePublish(service: string, events: readonly Outgoing[]): PublishTrace {
  if (!tracingEnabled()) return NOT_TRACED_PUBLISH;
  // Links to the sampled events only: a trace sampled out where it began records nothing.
  const links: Link[] = [];
  for (const event of events) {
    const spanContext = spanContextOf(event.traceparent);
    if (spanContext && isSampled(spanContext)) links.push({ context: spanContext });
  }
  // No traced event, or none sampled (a root would start a trace its callers sampled out).
  if (links.length === 0) return NOT_TRACED_PUBLISH;
  const several = links.length > 1;
  const only = events.length === 1 ? events[0] : undefined;
  const span = tracer().startSpan(
    `${service} publish`,
    {
      kind: SpanKind.PRODUCER,
      links: several ? links : [],
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'send',
        'messaging.batch.message_count': events.length,
        ...(only && {
          'messaging.rabbitmq.destination.routing_key': only.routingKey,
          'messaging.message.id': only.id,
          'event.type': only.type,
          'event.aggregate_id': only.aggregateId,
        }),
      },
    },
    several ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, links[0].context),
  );
  return {
    end(error) {
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error).message ?? error) });
      span.end();
    },
  };
}

/** CONSUMER spans of one consumed batch, one per event, each a child of its event's creation context. */
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

/**
 * The events being applied in the active transaction, each with the traceparent the events it
 * causes carry: that of its CONSUMER span, or its own where its trace was sampled out.
 */
const CAUSES = createContextKey('game-event-rewards.event-causes');
type Causes = ReadonlyMap<EventEnvelope, string>;

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
  const index = causeIndex(causes);
  if (index.only !== undefined) return index.only;
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  // One pass over the payload per row, not one search per cause: a batch of n events writes n
  // rows, and searching each row for every cause's id cost n^2 (a tenth of the CPU at n = 500).
  // A UUID in a protobuf payload is a string field's 36 bytes, dashes at 8, 13, 18 and 23: those
  // four bytes pick the candidates, and only a candidate is made a string (the payload is not).
  for (let at = 0; at + 36 <= bytes.length; at++) {
    if (bytes[at + 8] !== DASH || bytes[at + 13] !== DASH || bytes[at + 18] !== DASH || bytes[at + 23] !== DASH) continue;
    const cause = index.byUuid.get(bytes.toString('latin1', at, at + 36).toLowerCase());
    if (cause) return cause;
  }
  if (index.others.length === 0) return undefined;
  const text = bytes.toString('latin1');
  for (const [id, cause] of index.others) if (text.includes(id)) return cause;
  return undefined;
}

const DASH = 0x2d;
const UUID_ONLY = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Each cause's traceparent, formatted once per batch rather than once per row it causes. */
interface CauseIndex {
  /** The traceparent of the only cause, when there is one. */
  readonly only?: string;
  /** Causes by their aggregate id, where it is a UUID (every chain aggregate's is). */
  readonly byUuid: ReadonlyMap<string, string>;
  /** The rest, searched for as text. */
  readonly others: readonly [string, string][];
}

/** Built once per batch (the causes map lives as long as the batch's transaction). */
const causeIndexes = new WeakMap<Causes, CauseIndex>();

function causeIndex(causes: Causes): CauseIndex {
  let index = causeIndexes.get(causes);
  if (!index) {
    const byUuid = new Map<string, string>();
    const others: [string, string][] = [];
    let only: string | undefined;
    for (const [envelope, traceparent] of causes) {
      if (causes.size === 1) only = traceparent;
      const id = envelope.aggregateId;
      // The first event of an aggregate in the batch wins, as the batch's order would have it.
      if (UUID_ONLY.test(id)) {
        if (!byUuid.has(id.toLowerCase())) byUuid.set(id.toLowerCase(), traceparent);
      } else others.push([id, traceparent]);
    }
    index = { only, byUuid, others };
    causeIndexes.set(causes, index);
  }
  return index;
}

const NOT_TRACED: ConsumeTrace = { inTransaction: (_events, work) => work(), settle: () => {} };

export function traceConsume(queue: string, batch: readonly EventEnvelope[]): ConsumeTrace {
  if (!tracingEnabled()) return NOT_TRACED;
  const spans = new Map<EventEnvelope, Span>();
  const causes = new Map<EventEnvelope, string>();
  for (const envelope of batch) {
    const parent = spanContextOf(envelope.traceparent);
    if (parent && !isSampled(parent) && envelope.traceparent) {
      // Sampled out where its trace began: parent-based sampling (the SDK's default) records
      // nothing below it, so no span is made, and what it causes carries its traceparent on
      // (the decision travels, and no consumer starts a root trace of its own).
      causes.set(envelope, envelope.traceparent);
      continue;
    }
    // Traced, or arrived without a trace (the sampler decides on a root, as for a request).
    const span = tracer().startSpan(
      `${queue} process ${envelope.type}`,
      { kind: SpanKind.CONSUMER, attributes: consumerAttributes(queue, envelope) },
      parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
    );
    spans.set(envelope, span);
    causes.set(envelope, traceparentOfSpanContext(span.spanContext()));
  }
  return {
    async inTransaction(events, work) {
      const applied = new Map<EventEnvelope, string>();
      const recorded: Span[] = [];
      for (const envelope of events) {
        const cause = causes.get(envelope);
        if (cause) applied.set(envelope, cause);
        const span = spans.get(envelope);
        if (span?.isRecording()) recorded.push(span);
      }
      if (recorded.length === 0) {
        // Nothing recorded: no transaction span. Rows that name no cause take the first
        // event's (unsampled) trace, so its decision travels on with them too.
        const first = spanContextOf(applied.values().next().value);
        const base = first ? trace.setSpanContext(ROOT_CONTEXT, first) : context.active();
        return context.with(base.setValue(CAUSES, applied), work);
      }
      // Several recorded events: a root linked to them. One: its child.
      const several = recorded.length > 1;
      const parent = several ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, recorded[0]);
      const span = tracer().startSpan(
        `${queue} transaction`,
        {
          kind: SpanKind.INTERNAL,
          links: several ? recorded.map((each) => ({ context: each.spanContext() })) : [],
          attributes: { 'db.system': 'postgresql', 'messaging.batch.message_count': events.length },
        },
        parent,
      );
      try {
        return await context.with(trace.setSpan(parent, span).setValue(CAUSES, applied), work);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error).message ?? error) });
        throw error;
      } finally {
        span.end();
      }
    },
    settle(envelope, outcome, error) {
      const span = spans.get(envelope);
      if (!span) return;
      spans.delete(envelope);
      span.setAttribute('event.outcome', outcome);
      if (outcome === 'retry' || outcome === 'dead-letter')
        span.setStatus({ code: SpanStatusCode.ERROR, message: error ? String((error as Error).message ?? error) : outcome });
      span.end();
    },
  };
}

function consumerAttributes(queue: string, envelope: EventEnvelope) {
  return {
    'messaging.system': 'rabbitmq',
    'messaging.operation.type': 'process',
    'messaging.destination.name': queue,
    'messaging.message.id': envelope.id,
    'messaging.rabbitmq.destination.routing_key': envelope.routingKey,
    'event.type': envelope.type,
    'event.aggregate_id': envelope.aggregateId,
    'event.attempt': envelope.attempt,
  };
}
