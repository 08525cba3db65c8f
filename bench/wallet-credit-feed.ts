import amqp from 'amqplib';
import { walletCredited } from '#contracts/events';
import type { EventBus } from '#platform/bus/event-bus';
import type { Infrastructure } from '#platform/runtime/infrastructure';
import type { TestSystem } from '#testing/test-system';

/** Called with a credited mission's id and the (performance.now()) moment the event arrived. */
export type CreditListener = (missionId: string, at: number) => void;

export interface CreditFeed {
  close(): Promise<void>;
}

/**
 * Listens to the wallet's `wallet.credited` events, the chain's last step, instead of polling
 * the wallet. The event leaves through the wallet's outbox relay after the wallet commit, so
 * what it measures is an upper bound of the time the reward took to land in the wallet.
 */
export async function subscribeToWalletCredits(system: TestSystem, listener: CreditListener): Promise<CreditFeed> {
  return system.mode === 'servers' ? subscribeOnBroker(system, listener) : subscribeInProcess(await embeddedBus(system), listener);
}

/**
 * A temporary exclusive queue bound to the system's exchange: deleted with the connection and
 * invisible to the services' own queues. No acks (noAck), since losing a bench-only message
 * only shows up as an uncredited mission in the report.
 */
async function subscribeOnBroker(system: TestSystem, listener: CreditListener): Promise<CreditFeed> {
  const connection = await amqp.connect(system.config.amqpUrl as string);
  const channel = await connection.createChannel();
  await channel.assertExchange(system.config.eventsExchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, system.config.eventsExchange, walletCredited.routingKey);
  await channel.consume(
    queue,
    (message) => {
      if (message) listener(walletCredited.codec.decode(message.content).missionId, performance.now());
    },
    { noAck: true },
  );
  return { close: () => connection.close().catch(() => {}) };
}

async function subscribeInProcess(bus: EventBus, listener: CreditListener): Promise<CreditFeed> {
  const subscription = await bus.subscribe({ queue: 'bench', bindings: [walletCredited.routingKey], prefetch: 1000 }, async (batch) => {
    const at = performance.now();
    return batch.map((event) => {
      listener(walletCredited.codec.decode(event.payload).missionId, at);
      return 'ack';
    });
  });
  return { close: () => subscription.close() };
}

/**
 * In embedded mode every service shares the system's one InProcessEventBus. TestSystem keeps it
 * private (tests only publish to it), so the bench reaches it by name; a public accessor on
 * TestSystem would remove this.
 */
async function embeddedBus(system: TestSystem): Promise<EventBus> {
  // biome-ignore lint/complexity/useLiteralKeys: the bench reaches the test system's private bus on purpose.
  const infrastructure: Infrastructure = await system['sharedInfrastructure']();
  return infrastructure.bus;
}
