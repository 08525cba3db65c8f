import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { missionAchievedEvent } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { rewardModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';

/**
 * Outbox and inbox rows are pruned after their retention windows, in batches; rows are aged by
 * moving their timestamps back (a window of days cannot be waited out in a test). A redelivery
 * after its inbox row went still has no second effect: the reward is unique per mission.
 */
describe('Storage retention (outbox and inbox pruned after their windows)', function () {
  this.timeout(60_000);
  let system: TestSystem;

  before(async () => {
    system = await TestSystem.create('servers', {
      OUTBOX_RETENTION_MS: '3600000',
      INBOX_RETENTION_MS: '3600000',
      RETENTION_BATCH_SIZE: '7',
    });
    await system.start(rewardModule);
  });
  after(() => system.close());

  const retention = () => {
    const task = system.instancesOf('reward')[0].service.tasks.find((candidate) => candidate.name === 'storage-retention');
    if (!task) throw new Error('no storage-retention task');
    return task;
  };

  it('prunes only published outbox rows and inbox rows older than the window, in batches, and a redelivery after pruning issues no second reward', async () => {
    const events = Array.from({ length: 20 }, () => missionAchievedEvent(randomUUID(), 'retention'));
    await system.publish(events);
    await eventually(async () => {
      expect(await system.count('reward.rewards', `customer_id = 'retention'`)).to.equal(20);
      expect(await system.count('reward.outbox_events', 'published_at is null')).to.equal(0);
    });
    const ids = events.map((event) => `'${event.id}'`).join(',');
    // Fifteen of the twenty are two hours old; five are recent and must stay.
    await system.query(
      `update reward.inbox_events set processed_at = now() - interval '2 hours' where event_id in (${events
        .slice(0, 15)
        .map((e) => `'${e.id}'`)
        .join(',')})`,
    );
    await system.query(
      `update reward.outbox_events set published_at = now() - interval '2 hours' where seq in (select seq from reward.outbox_events order by seq limit 15)`,
    );

    await retention().runOnce();
    expect(await system.count('reward.inbox_events', `event_id in (${ids})`)).to.equal(5);
    const outbox = await system.query<{ published: string; unpublished: string }>(
      `select count(*) filter (where published_at is not null) as published, count(*) filter (where published_at is null) as unpublished from reward.outbox_events`,
    );
    expect(outbox[0]).to.deep.equal({ published: '5', unpublished: '0' });

    await system.publish(events.slice(0, 15));
    await eventually(async () => expect(await system.count('reward.inbox_events', `event_id in (${ids})`)).to.equal(20));
    expect(await system.count('reward.rewards', `customer_id = 'retention'`)).to.equal(20);
    expect(await system.deadLetterCount('reward')).to.equal(0);
  });
});
