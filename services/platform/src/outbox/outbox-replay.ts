import { and, asc, gt, isNotNull } from 'drizzle-orm';
import { type EventReplayServiceServer, EventReplayServiceService } from '#contracts/generated/game/platform/v1/event_replay_service';
import { BrokerUnavailableError } from '../bus/amqp-event-bus.js';
import { type EventBus, QueueNotFoundError } from '../bus/event-bus.js';
import { topicMatches } from '../bus/topic-pattern.js';
import type { Database } from '../db/database.js';
import { DomainError, InvalidArgumentError, NotFoundError } from '../errors/domain-error.js';
import type { NewEvent } from '../events/event-type.js';
import type { GrpcServiceBinding } from '../grpc/grpc-server.js';
import { serviceNameOf } from '../grpc/service-name.js';
import { unary } from '../grpc/unary-handler.js';
import type { Logger } from '../logging/logger.js';
import { eventOfRow, type OutboxTable } from './outbox-table.js';
import type { SnapshotReplay } from './snapshot-replay.js';

export interface OutboxReplayOptions {
  db: Database;
  bus: EventBus;
  table: OutboxTable;
  /** Rows read and sent per broker confirm round trip. */
  batchSize: number;
  logger: Logger;
}

export interface ReplayCommand {
  /** The consuming service's queue, without the deployment's prefix. */
  readonly targetQueue: string;
  /** Routing-key patterns (AMQP topic syntax). */
  readonly routingKeys: readonly string[];
}

const QUEUE_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
const ROUTING_PATTERN = /^([A-Za-z0-9_-]+|\*|#)(\.([A-Za-z0-9_-]+|\*|#))*$/;

/** The broker is away: nothing or part of the replay was sent; running it again is safe. */
export class ReplayUnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
  readonly code = 'BROKER_UNAVAILABLE';
  constructor(message: string) {
    super(message);
  }
}

/**
 * Re-sends what a service already published (its outbox keeps published rows) to one
 * consumer's queue, oldest first, so a read model can be rebuilt from the events alone.
 * Only the named queue receives them; its inbox drops anything it had applied already.
 *
 * Rows the relay has not published yet are left to the relay (they reach the queue through the
 * exchange anyway), and so is anything committed after a batch was read: a replay racing live
 * traffic misses nothing, at worst it sends an event twice.
 */
export class OutboxReplay {
  constructor(private readonly options: OutboxReplayOptions) {}

  async replay(command: ReplayCommand): Promise<number> {
    const targetQueue = requireQueue(command.targetQueue);
    const patterns = requireRoutingKeys(command.routingKeys);
    const { db, bus, table, batchSize, logger } = this.options;
    if (!bus.sendToQueue) throw new ReplayUnavailableError('this event transport cannot send to a single queue');
    let after = 0;
    let sent = 0;
    for (;;) {
      const rows = await db
        .select()
        .from(table)
        .where(and(isNotNull(table.publishedAt), gt(table.seq, after)))
        .orderBy(asc(table.seq))
        .limit(batchSize);
      if (rows.length === 0) break;
      after = rows[rows.length - 1].seq;
      const events = rows.filter((row) => patterns.some((pattern) => topicMatches(pattern, row.routingKey))).map(eventOfRow);
      if (events.length > 0) await sendToOneQueue(bus, targetQueue, events);
      sent += events.length;
      if (rows.length < batchSize) break;
    }
    logger.info('outbox replayed', { targetQueue, routingKeys: patterns, events: sent });
    return sent;
  }
}

/** Sends events into one queue only, with the broker's trouble as the API's errors. */
export async function sendToOneQueue(bus: EventBus, queue: string, events: readonly NewEvent[]): Promise<void> {
  if (!bus.sendToQueue) throw new ReplayUnavailableError('this event transport cannot send to a single queue');
  try {
    await bus.sendToQueue(queue, events);
  } catch (error) {
    if (error instanceof QueueNotFoundError)
      throw new NotFoundError('QUEUE_NOT_FOUND', `${error.message}: start the consuming service first`);
    if (error instanceof BrokerUnavailableError) throw new ReplayUnavailableError('the broker is unreachable; run the replay again');
    throw error;
  }
}

export function requireQueue(value: string): string {
  if (value === '') throw new InvalidArgumentError('target_queue', 'is required');
  if (!QUEUE_PATTERN.test(value))
    throw new InvalidArgumentError('target_queue', 'must be 1-128 characters of letters, digits, ".", "-" or "_"');
  return value;
}

export function requireRoutingKeys(values: readonly string[]): string[] {
  if (values.length === 0) throw new InvalidArgumentError('routing_keys', 'needs at least one pattern');
  for (const value of values) {
    if (!ROUTING_PATTERN.test(value))
      throw new InvalidArgumentError('routing_keys', `"${value}" is not a routing-key pattern (words separated by ".", "*" or "#")`);
  }
  return [...new Set(values)];
}

/**
 * The internal gRPC API (game.platform.v1.EventReplayService): history from the outbox, current
 * state from the service's snapshot sources.
 */
export function eventReplayGrpcService(
  replays: { outbox: OutboxReplay; snapshot: SnapshotReplay },
  serviceName: string,
  logger: Logger,
): GrpcServiceBinding {
  const implementation: EventReplayServiceServer = {
    replayEvents: unary(logger, async (request) => ({ service: serviceName, eventsReplayed: await replays.outbox.replay(request) })),
    replaySnapshot: unary(logger, async (request) => ({ service: serviceName, eventsSent: await replays.snapshot.replay(request) })),
  };
  return { name: serviceNameOf(EventReplayServiceService), definition: EventReplayServiceService, implementation };
}
