import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../bus/event-bus.js';

/** The encode/decode pair ts-proto generates for every message. */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/**
 * A domain event as it travels: a protobuf message (defined in proto/), published under its
 * full protobuf name as the message type and a `<context>.<past-verb>` routing key.
 */
export interface EventType<T> {
  readonly name: string;
  readonly routingKey: string;
  readonly codec: MessageCodec<T>;
}

export function defineEvent<T>(name: string, routingKey: string, codec: MessageCodec<T>): EventType<T> {
  return { name, routingKey, codec };
}

/** An event ready for the outbox, not yet given an attempt number by a transport. */
export type NewEvent = Omit<EventEnvelope, 'attempt'>;

export function newEvent<T>(type: EventType<T>, message: T, aggregateId: string, occurredAt = new Date()): NewEvent {
  return {
    id: randomUUID(),
    type: type.name,
    routingKey: type.routingKey,
    aggregateId,
    occurredAt,
    payload: type.codec.encode(message).finish(),
  };
}
