import type { Channel, ChannelModel, Options } from 'amqplib';
import type { Logger } from '../logging/logger.js';

/**
 * A consuming service's queues, all quorum queues (replicated: a broker cluster loses nothing
 * when a node dies) with at-least-once dead-lettering, which RabbitMQ allows only together with
 * `x-overflow: reject-publish`:
 *   <queue>         bound to the exchange; rejected messages dead-letter to <dlx> -> <queue>.dlq
 *   <queue>.retry   TTL; expired messages dead-letter back to <queue> (delayed retry)
 *   <queue>.dlq     parked events (npm run dlq)
 */
export interface ServiceQueues {
  exchange: string;
  deadLetterExchange: string;
  retryDelayMs: number;
}

const QUORUM = { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' };

function queueArguments(name: string, queue: string, topology: ServiceQueues): Options.AssertQueue {
  if (name === queue)
    return {
      durable: true,
      arguments: { ...QUORUM, 'x-dead-letter-exchange': topology.deadLetterExchange, 'x-dead-letter-routing-key': queue },
    };
  if (name === `${queue}.retry`) {
    return {
      durable: true,
      arguments: { ...QUORUM, 'x-message-ttl': topology.retryDelayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    };
  }
  // The last stop: nothing dead-letters out of it.
  return { durable: true, arguments: { 'x-queue-type': 'quorum' } };
}

export async function declareServiceQueues(
  model: ChannelModel,
  queue: string,
  bindings: readonly string[],
  topology: ServiceQueues,
  logger: Logger,
): Promise<void> {
  const channel = await model.createChannel();
  try {
    await channel.assertExchange(topology.exchange, 'topic', { durable: true });
    await channel.assertExchange(topology.deadLetterExchange, 'direct', { durable: true });
  } finally {
    await channel.close().catch(() => {});
  }
  for (const name of [`${queue}.dlq`, `${queue}.retry`, queue]) {
    const routes =
      name === queue
        ? bindings.map((key) => ({ exchange: topology.exchange, key }))
        : name === `${queue}.dlq`
          ? [{ exchange: topology.deadLetterExchange, key: queue }]
          : [];
    await declareQuorumQueue(model, name, queueArguments(name, queue, topology), routes, logger);
  }
}

/**
 * Declares a quorum queue with its bindings. A queue cannot change type in place: declaring
 * quorum over an existing classic queue fails with 406 PRECONDITION_FAILED, which also closes
 * the channel (so each attempt gets a channel of its own). Such a classic queue is migrated by
 * drain and re-declare, without losing a message: a temporary quorum queue takes the same
 * bindings (new events land there too), the classic queue is drained into it and deleted, the
 * quorum queue is declared and bound, and the temporary queue drained into it. An event may then
 * arrive twice; consumers' inboxes make that harmless.
 */
async function declareQuorumQueue(
  model: ChannelModel,
  name: string,
  options: Options.AssertQueue,
  routes: { exchange: string; key: string }[],
  logger: Logger,
): Promise<void> {
  if (!(await tryDeclare(model, name, options))) {
    logger.warn('migrating a classic queue to a quorum queue', { queue: name });
    const holding = `${name}.migrating`;
    await withChannel(model, async (channel) => {
      await channel.assertQueue(holding, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      for (const route of routes) await channel.bindQueue(holding, route.exchange, route.key);
    });
    const moved = await drain(model, name, holding);
    await withChannel(model, (channel) => channel.deleteQueue(name));
    await withChannel(model, (channel) => channel.assertQueue(name, options));
    for (const route of routes) await withChannel(model, (channel) => channel.bindQueue(name, route.exchange, route.key));
    const back = await drain(model, holding, name);
    await withChannel(model, (channel) => channel.deleteQueue(holding));
    logger.info('queue migrated to quorum', { queue: name, moved, movedBack: back });
    return;
  }
  for (const route of routes) await withChannel(model, (channel) => channel.bindQueue(name, route.exchange, route.key));
}

async function tryDeclare(model: ChannelModel, name: string, options: Options.AssertQueue): Promise<boolean> {
  const channel = await model.createChannel();
  channel.on('error', () => {});
  try {
    await channel.assertQueue(name, options);
    await channel.close();
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 406) return false;
    throw error;
  }
}

async function withChannel<T>(model: ChannelModel, work: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await model.createConfirmChannel();
  try {
    return await work(channel);
  } finally {
    await channel.close().catch(() => {});
  }
}

/** Moves every message from one queue to another, each acked only once the copy is confirmed. */
async function drain(model: ChannelModel, from: string, to: string): Promise<number> {
  const channel = await model.createConfirmChannel();
  let moved = 0;
  try {
    for (;;) {
      const message = await channel.get(from, { noAck: false });
      if (!message) return moved;
      channel.sendToQueue(to, message.content, message.properties);
      await channel.waitForConfirms();
      channel.ack(message);
      moved += 1;
    }
  } finally {
    await channel.close().catch(() => {});
  }
}
