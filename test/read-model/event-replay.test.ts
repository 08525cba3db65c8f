import { status } from '@grpc/grpc-js';
import amqp from 'amqplib';
import { expect } from 'chai';
import { missionAchieved } from '#contracts/events';
import type { EventReplayServiceClient } from '#contracts/generated/game/platform/v1/event_replay_service';
import { achieveMissions, expectWalletToHold } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { call, callError } from '#testing/grpc-call';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { type Mode, TEST_AMQP_URL, TestSystem } from '#testing/test-system';
import { myPageModule } from '../../services/mypage/src/composition-root.js';

/**
 * game.platform.v1.EventReplayService, served by every service with an outbox: its published
 * events are sent again to one consumer's queue only (EventBus.sendToQueue, on both
 * transports), which is how a read model is rebuilt without disturbing anyone else.
 */
for (const mode of ['servers', 'embedded'] as Mode[]) {
  describe(`Replaying a publisher's outbox into one queue (${mode})`, function () {
    this.timeout(120_000);
    let system: TestSystem;
    let replay: EventReplayServiceClient;

    before(async () => {
      system = await TestSystem.create(mode);
      await system.start(myPageModule);
      await system.start(rewardModule);
      await system.start(walletModule);
      await system.start(missionModule);
      replay = system.eventReplayClient(system.address('mission'));
    });

    after(async () => {
      replay?.close();
      await system?.close();
    });

    const statsOf = (service: string) => {
      const stats = system.instancesOf(service)[0].service.consumer?.stats;
      if (!stats) throw new Error(`${service} has no consumer`);
      return stats;
    };

    it('ReplayEvents sends the published events to the named queue only: its inbox drops them as duplicates, no other consumer sees them', async () => {
      await achieveMissions(system, 'rp-1', 3, 'rp');
      await expectWalletToHold(system, 'rp-1', 3);
      // Everything published so far (3 x achieved, issued, credited, rewarded) is in the view.
      await eventually(() => expect(statsOf('mypage').applied).to.equal(12));
      const published = await system.count('mission.outbox_events', 'published_at is not null');
      const before = { mypage: { ...statsOf('mypage') }, reward: { ...statsOf('reward') }, wallet: { ...statsOf('wallet') } };

      const response = await call(replay, replay.replayEvents, { targetQueue: 'mypage', routingKeys: ['mission.*'] });
      expect(response).to.deep.equal({ service: 'mission', eventsReplayed: published });
      expect(published).to.equal(6);

      await eventually(() => expect(statsOf('mypage').duplicates).to.equal(before.mypage.duplicates + published));
      expect(statsOf('mypage').applied).to.equal(before.mypage.applied);
      // reward consumes mission.achieved from the exchange: it saw nothing again.
      expect(statsOf('reward')).to.deep.equal(before.reward);
      expect(statsOf('wallet')).to.deep.equal(before.wallet);
    });

    it('only the routing keys asked for are replayed', async () => {
      const achieved = await system.count(
        'mission.outbox_events',
        `routing_key = '${missionAchieved.routingKey}' and published_at is not null`,
      );
      const response = await call(replay, replay.replayEvents, { targetQueue: 'mypage', routingKeys: [missionAchieved.routingKey] });
      expect(response.eventsReplayed).to.equal(achieved);
      const none = await call(replay, replay.replayEvents, { targetQueue: 'mypage', routingKeys: ['gift.#'] });
      expect(none.eventsReplayed).to.equal(0);
    });

    it('ReplayEvents errors: INVALID_ARGUMENT naming target_queue or routing_keys; NOT_FOUND for a queue no consumer declared', async () => {
      const cases = [
        { request: { targetQueue: '', routingKeys: ['mission.*'] }, field: 'target_queue' },
        { request: { targetQueue: 'my page', routingKeys: ['mission.*'] }, field: 'target_queue' },
        { request: { targetQueue: 'mypage', routingKeys: [] }, field: 'routing_keys' },
        { request: { targetQueue: 'mypage', routingKeys: ['mission..achieved'] }, field: 'routing_keys' },
      ];
      for (const { request, field } of cases) {
        const error = await callError(replay, replay.replayEvents, request);
        expect(error.code, JSON.stringify(request)).to.equal(status.INVALID_ARGUMENT);
        expect(error.metadata.get('error-field')).to.deep.equal([field]);
      }
      const missing = await callError(replay, replay.replayEvents, { targetQueue: 'nobody-listens', routingKeys: ['#'] });
      expect(missing.code).to.equal(status.NOT_FOUND);
      expect(missing.metadata.get('error-code')).to.deep.equal(['QUEUE_NOT_FOUND']);
    });

    if (mode === 'servers') {
      it('over RabbitMQ the replayed messages keep their ids, types and routing keys, in outbox order, and reach only <prefix>.<queue>', async () => {
        const connection = await amqp.connect(TEST_AMQP_URL);
        const probe = `${system.config.queuePrefix}.replay-probe`;
        try {
          const channel = await connection.createChannel();
          await channel.assertQueue(probe, { durable: false });
          const response = await call(replay, replay.replayEvents, { targetQueue: 'replay-probe', routingKeys: ['#'] });
          const rows = await system.query<{ event_id: string; event_type: string; routing_key: string }>(
            'select event_id, event_type, routing_key from mission.outbox_events where published_at is not null order by seq',
          );
          expect(response.eventsReplayed).to.equal(rows.length);
          const received: { id: string; type: string; routingKey: string }[] = [];
          await eventually(async () => {
            for (let message = await channel.get(probe, { noAck: true }); message; message = await channel.get(probe, { noAck: true })) {
              received.push({
                id: String(message.properties.messageId),
                type: String(message.properties.type),
                routingKey: String(message.properties.headers?.['x-routing-key']),
              });
            }
            expect(received).to.have.length(rows.length);
          });
          expect(received).to.deep.equal(rows.map((row) => ({ id: row.event_id, type: row.event_type, routingKey: row.routing_key })));
          await channel.deleteQueue(probe);
        } finally {
          await connection.close().catch(() => {});
        }
      });
    }
  });
}
