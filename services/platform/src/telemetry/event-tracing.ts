import { type Context, context, type Link, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
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
  /** Runs the batch's transaction in a span of its own (child of the first event, linked to the rest). */
  inTransaction<T>(events: readonly EventEnvelope[], work: () => Promise<T>): Promise<T>;
  /** Ends the event's span with what the consumer decided. */
  settle(envelope: EventEnvelope, outcome: DeliveryOutcome | 'duplicate', error?: unknown): void;
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
      const first = spans.get(events[0]);
      const links: Link[] = events.slice(1).flatMap((envelope) => {
        const entry = spans.get(envelope);
        return entry ? [{ context: entry.span.spanContext() }] : [];
      });
      const parent = first?.context ?? context.active();
      const span = tracer().startSpan(
        `${queue} transaction`,
        { kind: SpanKind.INTERNAL, links, attributes: { 'db.system': 'postgresql', 'messaging.batch.message_count': events.length } },
        parent,
      );
      try {
        return await context.with(trace.setSpan(parent, span), work);
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
