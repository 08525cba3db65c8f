import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { missionAchieved, rewardReturned } from '#contracts/events';
import { newEvent } from '#platform/events/event-type';
import { eventually } from '#testing/eventually';
import { notificationModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';

/**
 * The inbox stops the same event twice; a producer that republishes a happening under a fresh
 * event id (a replay, a retried publish that lost its ack) must not give the customer a second
 * notice either. Notices are unique by what they announce: kind, subject and when it happened.
 */
describe('Notifications deduplicated by what they announce', function () {
  this.timeout(60_000);
  let system: TestSystem;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(notificationModule);
  });
  after(() => system.close());

  const notices = (customerId: string, kind: string) =>
    system.count('notification.notifications', `customer_id = '${customerId}' and kind = '${kind}'`);

  it('gives one "mission achieved" notice for the same achievement republished under a fresh event id', async () => {
    const missionId = randomUUID();
    const payload = {
      missionId,
      customerId: 'dedup-mission',
      eventCode: 'test-event',
      missionCode: 'once',
      achievedAt: new Date('2026-01-02T03:04:05.678Z'),
    };
    const first = newEvent(missionAchieved, payload, missionId);
    const republished = newEvent(missionAchieved, payload, missionId);
    expect(republished.id).to.not.equal(first.id);
    await system.publish([first]);
    await eventually(async () => expect(await notices('dedup-mission', 'mission-achieved')).to.equal(1));
    await system.publish([republished]);
    // Both events reach the inbox (so the second was handled), and still one notice.
    await eventually(async () =>
      expect(await system.count('notification.inbox_events', `event_id in ('${first.id}', '${republished.id}')`)).to.equal(2),
    );
    expect(await notices('dedup-mission', 'mission-achieved')).to.equal(1);
    expect(await system.deadLetterCount('notification')).to.equal(0);
  });

  it('still gives a notice for each time a reward is returned (two happenings, two notices)', async () => {
    const rewardId = randomUUID();
    const returned = (at: string) =>
      newEvent(
        rewardReturned,
        { rewardId, customerId: 'dedup-returns', orderId: randomUUID(), reason: 'cancelled', returnedAt: new Date(at) },
        rewardId,
      );
    await system.publish([returned('2026-01-02T00:00:00Z'), returned('2026-01-03T00:00:00Z')]);
    await eventually(async () => expect(await notices('dedup-returns', 'reward-returned')).to.equal(2));
  });
});
