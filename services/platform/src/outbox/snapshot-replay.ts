import { createHash } from 'node:crypto';
import type { EventBus } from '../bus/event-bus.js';
import { topicMatches } from '../bus/topic-pattern.js';
import type { NewEvent } from '../events/event-type.js';
import type { Logger } from '../logging/logger.js';
import { type ReplayCommand, requireQueue, requireRoutingKeys, sendToOneQueue } from './outbox-replay.js';

/** One page of a service's current state, told as the events that state implies. */
export interface SnapshotPage {
  readonly events: readonly NewEvent[];
  /** Where the next page starts (the last entity's key), absent after the last page. */
  readonly next?: string;
}

/**
 * A source of a service's current state as events, read in pages in the order of a unique key
 * (the primary key, so each page is an index range): what a read model needs to be rebuilt
 * when the outbox history is gone. Each event carries the times the state records, so the
 * rebuilt view equals the live one.
 */
export interface StateSnapshot {
  /** Entities whose key is greater than `after` (undefined: from the first), at most `limit`. */
  page(after: string | undefined, limit: number): Promise<SnapshotPage>;
}

export interface SnapshotReplayOptions {
  bus: EventBus;
  sources: readonly StateSnapshot[];
  /** Entities read per page, and so about the events sent per broker confirm round trip. */
  batchSize: number;
  logger: Logger;
}

/**
 * Sends a service's current state, as its own event types, into one consumer's queue only.
 * Every fact is stated under an id derived from the fact (see restated), so a snapshot sent
 * twice is applied once; state written while a snapshot runs reaches the queue through the
 * outbox relay as usual, so nothing is missed, at worst stated twice.
 */
export class SnapshotReplay {
  constructor(private readonly options: SnapshotReplayOptions) {}

  async replay(command: ReplayCommand): Promise<number> {
    const targetQueue = requireQueue(command.targetQueue);
    const patterns = requireRoutingKeys(command.routingKeys);
    const { bus, sources, batchSize, logger } = this.options;
    let sent = 0;
    for (const source of sources) {
      let after: string | undefined;
      for (;;) {
        const page = await source.page(after, batchSize);
        const events = page.events.filter((event) => patterns.some((pattern) => topicMatches(pattern, event.routingKey)));
        if (events.length > 0) await sendToOneQueue(bus, targetQueue, events);
        sent += events.length;
        if (page.next === undefined) break;
        after = page.next;
      }
    }
    logger.info('state snapshot sent', { targetQueue, routingKeys: patterns, events: sent });
    return sent;
  }
}

/**
 * The event re-stating one fact of current state. Its id is a name-based UUID (RFC 9562
 * version 8, SHA-256 of the routing key and `factKey`): the same fact stated again has the same
 * id, so an inbox applies it once. `factKey` names the fact within its event type, usually the
 * aggregate id, or more where one aggregate states it several times (one payment per order).
 */
export function restated(event: NewEvent, factKey: string = event.aggregateId): NewEvent {
  const hash = createHash('sha256').update(`snapshot\u0000${event.routingKey}\u0000${factKey}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x80;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { ...event, id };
}

/** A page from rows read in key order: the events they state, and the key to go on from. */
export function snapshotPage<Row>(
  rows: readonly Row[],
  limit: number,
  keyOf: (row: Row) => string,
  toEvents: (row: Row) => readonly NewEvent[],
): SnapshotPage {
  return {
    events: rows.flatMap(toEvents),
    next: rows.length < limit || rows.length === 0 ? undefined : keyOf(rows[rows.length - 1]),
  };
}
