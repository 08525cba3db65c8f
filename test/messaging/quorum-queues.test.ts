import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { expect } from 'chai';
import { missionAchieved } from '#contracts/events';
import { missionAchievedEvent } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { rewardModule } from '#testing/platform-modules';
import { TEST_AMQP_URL, TestSystem } from '#testing/test-system';

const run = promisify(execFile);

async function queueTypes(prefix: string): Promise<Record<string, string>> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', 'name', 'type', 'arguments']);
  return Object.fromEntries(
    stdout
      .split('\n')
      .filter((line) => line.startsWith(`${prefix}.`))
      .map((line) => line.split('\t'))
      .map(([name, type, args]) => [name, `${type} ${args.includes('at-least-once') ? 'at-least-once' : ''}`.trim()]),
  );
}

/**
 * Every service queue, retry queue and dead-letter queue is a quorum queue, the first two with
 * at-least-once dead-lettering. A deployment that still has the classic queues of an older
 * version is migrated on start-up by drain and re-declare, and none of the events waiting in the
 * classic queue is lost.
 */
describe('Quorum queues (and the migration from classic queues)', function () {
  this.timeout(90_000);
  let system: TestSystem;

  before(async () => {
    system = await TestSystem.create('servers');
  });
  after(() => system.close());

  it('migrates classic queues holding events to quorum queues with at-least-once dead-lettering, and applies every waiting event once', async () => {
    const prefix = system.config.queuePrefix;
    const queue = `${prefix}.reward`;
    const events = Array.from({ length: 20 }, () => missionAchievedEvent(randomUUID(), 'quorum-migration'));
    // The topology an older version declared: classic queues, events waiting in the work queue.
    const connection = await amqp.connect(TEST_AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      await channel.assertExchange(system.config.eventsExchange, 'topic', { durable: true });
      await channel.assertExchange(`${system.config.eventsExchange}.dlx`, 'direct', { durable: true });
      await channel.assertQueue(queue, {
        durable: true,
        arguments: { 'x-dead-letter-exchange': `${system.config.eventsExchange}.dlx`, 'x-dead-letter-routing-key': queue },
      });
      await channel.assertQueue(`${queue}.retry`, {
        durable: true,
        arguments: { 'x-message-ttl': 100, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
      });
      await channel.assertQueue(`${queue}.dlq`, { durable: true });
      await channel.bindQueue(queue, system.config.eventsExchange, missionAchieved.routingKey);
      await channel.close();
    } finally {
      await connection.close();
    }
    system.trackQueue('reward');
    await system.publish(events);
    expect((await queueTypes(prefix))[queue]).to.equal('classic');

    await system.start(rewardModule);
    expect(await queueTypes(prefix)).to.deep.include({
      [queue]: 'quorum at-least-once',
      [`${queue}.retry`]: 'quorum at-least-once',
      [`${queue}.dlq`]: 'quorum',
    });
    expect(Object.keys(await queueTypes(prefix))).to.not.include(`${queue}.migrating`);
    await eventually(async () => expect(await system.count('reward.rewards', `customer_id = 'quorum-migration'`)).to.equal(20), {
      timeoutMs: 30_000,
    });

    // Events published after the migration reach the quorum queue through the same binding.
    const later = missionAchievedEvent(randomUUID(), 'quorum-migration');
    await system.publish([later]);
    await eventually(async () => expect(await system.count('reward.rewards', `customer_id = 'quorum-migration'`)).to.equal(21));
  });
});
