import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { expect } from 'chai';
import { missionAchievedEvent } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { rewardModule } from '#testing/platform-modules';
import { TEST_AMQP_URL, TestSystem } from '#testing/test-system';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/**
 * `npm run dlq` as an operator runs it (an OS process on the real broker): events parked in the
 * reward service's dead-letter queue (as a bug fixed since would have left them) are listed,
 * shown without being taken, redriven through the normal consumer (one reward each, even for
 * the one redriven twice), and discarded.
 */
describe('Dead-letter operations (npm run dlq -- list|show|redrive|discard)', function () {
  this.timeout(90_000);
  let system: TestSystem;
  const dlq = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/dlq.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, AMQP_URL: TEST_AMQP_URL, EVENTS_QUEUE_PREFIX: system.config.queuePrefix, LOG_LEVEL: 'silent' },
    }).then(({ stdout }) => stdout);

  type Parked = ReturnType<typeof missionAchievedEvent>;
  async function park(events: Parked[]): Promise<Parked[]> {
    const connection = await amqp.connect(TEST_AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      for (const event of events) {
        channel.sendToQueue(`${system.config.queuePrefix}.reward.dlq`, Buffer.from(event.payload), {
          messageId: event.id,
          type: event.type,
          persistent: true,
          headers: {
            'x-attempt': 3,
            'x-routing-key': event.routingKey,
            'x-aggregate-id': event.aggregateId,
            'x-occurred-at': event.occurredAt.toISOString(),
          },
        });
      }
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
    return events;
  }
  const fresh = (count: number) => Array.from({ length: count }, () => missionAchievedEvent(randomUUID(), 'dlq-customer'));

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(rewardModule);
  });
  after(() => system.close());

  it('lists counts per service, shows parked events without taking them, redrives them through the consumer once, and discards', async () => {
    const parked = await park(fresh(3));
    const ids = parked.map((event) => event.id);
    expect(await dlq('list')).to.match(/reward\s+3 dead-lettered, 0 waiting/);

    const shown = await dlq('show', 'reward', '--limit', '2');
    expect(shown).to.include(ids[0]).and.include(ids[1]).and.not.include(ids[2]);
    expect(shown).to.include('2 shown of 3');
    expect(await system.deadLetterCount('reward')).to.equal(3);

    expect(await dlq('redrive', 'reward', '--limit', '2'))
      .to.include('redriven 2 to')
      .and.include('1 left');
    await eventually(async () => expect(await system.count('reward.rewards', `customer_id = 'dlq-customer'`)).to.equal(2));

    expect(await dlq('redrive', 'reward'))
      .to.include('redriven 1 to')
      .and.include('0 left');
    await eventually(async () => expect(await system.count('reward.rewards', `customer_id = 'dlq-customer'`)).to.equal(3));
    // The first event parked again and redriven a second time: the inbox gives it no second effect.
    await park([parked[0]]);
    expect(await dlq('redrive', 'reward'))
      .to.include('redriven 1 to')
      .and.include('0 left');
    await eventually(async () => expect(await system.count('reward.inbox_events', `event_id = '${ids[0]}'`)).to.equal(1));
    await eventually(async () => expect(await system.deadLetterCount('reward')).to.equal(0));

    await park(fresh(2));
    expect(await dlq('discard', 'reward', '--limit', '1')).to.include('discarded 1; 1 left');
    expect(await dlq('discard', 'reward')).to.include('discarded 1; 0 left');
    expect(await system.deadLetterCount('reward')).to.equal(0);
    expect(await system.count('reward.rewards', `customer_id = 'dlq-customer'`)).to.equal(3);
  });

  it('refuses an unknown command or service with its usage', async () => {
    const error = await dlq('redrive', 'nosuch').then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).to.equal(2);
    expect(error?.stderr).to.include('usage: npm run dlq');
  });
});
