import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import { deliveryStarted, giftOrderPaid, missionAchieved, rewardIssued, rewardSpent } from '#contracts/events';
import { GiftOrderStatus, GiftServiceService } from '#contracts/generated/game/gift/v1/gift_service';
import { MissionServiceService } from '#contracts/generated/game/mission/v1/mission_service';
import { WalletServiceService } from '#contracts/generated/game/wallet/v1/wallet_service';
import type { EventType } from '#platform/events/event-type';
import { expectWalletToHold, rewardInWallet } from '#testing/chain-helpers';
import { eventually } from '#testing/eventually';
import { createGift, exchangeReward, orderReaches } from '#testing/exchange-helpers';
import { call } from '#testing/grpc-call';
import { rewardModule, walletModule } from '#testing/platform-modules';
import { EXCHANGE_CHAIN, startPlatform } from '#testing/start-platform';
import { type Mode, TestSystem } from '#testing/test-system';
import { parentOf, TraceCapture } from '#testing/trace-capture';

/** Span names, from the generated contract: `<Service>/<Method>` of an RPC, and the event spans. */
const ACHIEVE_MISSION = MissionServiceService.achieveMission.path.slice(1);
const EXCHANGE_REWARD = WalletServiceService.exchangeReward.path.slice(1);
const RESERVE_GIFT = GiftServiceService.reserveGift.path.slice(1);
const processed = (service: string, event: EventType<unknown>) => `${service} process ${event.name}`;

/**
 * One trace per mission and per exchange, across gRPC, the outbox and the broker: every span
 * named here must exist in the request's trace and hang under the span named as its parent.
 */
for (const mode of ['servers', 'embedded'] as Mode[]) {
  describe(`Tracing a mission and an exchange end to end (${mode})`, function () {
    this.timeout(90_000);
    let system: TestSystem;
    let capture: TraceCapture;

    before(async () => {
      capture = TraceCapture.start();
      system = await TestSystem.create(mode);
      await startPlatform(system, EXCHANGE_CHAIN);
    });

    after(async () => {
      await system?.close();
      await capture?.stop();
    });

    /** The only root span of that name; its trace. */
    function rootTrace(name: string, tag: string): ReadableSpan[] {
      const roots = capture.spans().filter((span) => span.name === name && !parentOf(span));
      const root = roots.find((span) =>
        capture.spans(span.spanContext().traceId).some((other) => JSON.stringify(other.attributes).includes(tag)),
      );
      expect(root, `a root span ${name}`).to.not.equal(undefined);
      return capture.spans(root?.spanContext().traceId);
    }

    function expectChild(spans: ReadableSpan[], childName: string, parentName: string, kind?: SpanKind): ReadableSpan {
      const children = spans.filter((span) => span.name === childName);
      expect(
        children.map((span) => span.name),
        `span ${childName} in the trace`,
      ).to.not.be.empty;
      const parents = new Set(spans.filter((span) => span.name === parentName).map((span) => span.spanContext().spanId));
      const child = children.find((span) => parents.has(parentOf(span) ?? ''));
      expect(child, `${childName} is a child of ${parentName}`).to.not.equal(undefined);
      if (kind !== undefined) expect(child?.kind, `${childName} kind`).to.equal(kind);
      return child as ReadableSpan;
    }

    /**
     * The relay's PRODUCER span that sent what `writer` wrote to the outbox: one span per relay
     * batch, the writer's child when the batch held only its trace, else a root linked to it.
     */
    function expectSent(writer: ReadableSpan, service: string): Promise<ReadableSpan> {
      const writerId = writer.spanContext().spanId;
      return eventually(() => {
        const send = capture
          .spans()
          .find(
            (span) =>
              span.name === `${service} publish` &&
              (parentOf(span) === writerId || span.links.some((link) => link.context.spanId === writerId)),
          );
        expect(send, `a ${service} publish span sending what ${writer.name} wrote`).to.not.equal(undefined);
        expect(send?.kind).to.equal(SpanKind.PRODUCER);
        return send as ReadableSpan;
      });
    }

    it('follows AchieveMission through the outbox, the broker, the reward, the wallet credit and the mission reward id', async () => {
      const customerId = `trace-${randomUUID().slice(0, 8)}`;
      const rewardId = await rewardInWallet(system, customerId, 'traced');
      const spans = await eventually(() => {
        const trace = rootTrace(ACHIEVE_MISSION, rewardId);
        expect(trace.map((span) => span.name)).to.include.members([processed('wallet', rewardIssued), processed('mission', rewardIssued)]);
        return trace;
      });
      const root = spans.find((span) => span.name === ACHIEVE_MISSION);
      expect(root?.kind).to.equal(SpanKind.SERVER);
      await expectSent(root as ReadableSpan, 'mission');
      const consumed = expectChild(spans, processed('reward', missionAchieved), ACHIEVE_MISSION, SpanKind.CONSUMER);
      expectChild(spans, 'reward transaction', processed('reward', missionAchieved));
      await expectSent(consumed, 'reward');
      const credit = expectChild(spans, processed('wallet', rewardIssued), processed('reward', missionAchieved), SpanKind.CONSUMER);
      expect(credit.attributes['event.outcome']).to.equal('ack');
      expectChild(spans, 'wallet transaction', processed('wallet', rewardIssued));
      expectChild(spans, processed('mission', rewardIssued), processed('reward', missionAchieved), SpanKind.CONSUMER);
      expectChild(spans, 'mission transaction', processed('mission', rewardIssued));
      expect(new Set(spans.map((span) => span.spanContext().traceId)).size).to.equal(1);
    });

    it('keeps each mission its own trace when several are consumed in one batch, through the reward and the wallet', async () => {
      // Reward and wallet stopped, the missions wait on their queues, so the consumers (prefetch
      // 100) take them together when they come back.
      for (const name of ['reward', 'wallet']) for (const instance of system.instancesOf(name)) await instance.stop();
      const customerId = `trace-batch-${randomUUID().slice(0, 8)}`;
      const missions = system.missionClient();
      const missionIds = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const mission = await call(missions, missions.achieveMission, { customerId, eventCode: 'test-event', missionCode: `batch-${i}` });
          return mission.missionId;
        }),
      );
      const outboxDrained = (schema: string) => async () =>
        expect(await system.count(`${schema}.outbox_events`, 'published_at is null')).to.equal(0);
      await eventually(outboxDrained('mission'));
      await system.start(rewardModule);
      await eventually(async () => expect(await system.count('reward.rewards', `customer_id = '${customerId}'`)).to.equal(6));
      await eventually(outboxDrained('reward'));
      await system.start(walletModule, { overrides: { config: { giftAddress: system.address('gift') } } });
      await expectWalletToHold(system, customerId, 6);

      const batchOf = (name: string) =>
        eventually(() => {
          const batches = capture
            .spans()
            .filter((span) => span.name === name && Number(span.attributes['messaging.batch.message_count']) > 1);
          const batch = batches.find((span) => new Set(span.links.map((link) => link.context.traceId)).size > 1);
          expect(batch, `a ${name} of several missions' events, linked to their traces`).to.not.equal(undefined);
          return batch as ReadableSpan;
        });
      for (const batch of [await batchOf('reward transaction'), await batchOf('reward publish'), await batchOf('wallet transaction')])
        expect(parentOf(batch), 'a batch of several traces is a root of its own').to.equal(undefined);

      const traceIds = new Set<string>();
      for (const missionId of missionIds) {
        const spans = await eventually(() => {
          const trace = rootTrace(ACHIEVE_MISSION, missionId);
          expect(trace.map((span) => span.name)).to.include.members([
            processed('wallet', rewardIssued),
            processed('mission', rewardIssued),
          ]);
          return trace;
        });
        const traceId = spans[0].spanContext().traceId;
        traceIds.add(traceId);
        const consumed = expectChild(spans, processed('reward', missionAchieved), ACHIEVE_MISSION, SpanKind.CONSUMER);
        expect(consumed.attributes['event.aggregate_id']).to.equal(missionId);
        await expectSent(consumed, 'reward');
        const credited = expectChild(spans, processed('wallet', rewardIssued), processed('reward', missionAchieved), SpanKind.CONSUMER);
        const rewardId = credited.attributes['event.aggregate_id'];
        const [reward] = await system.query<{ id: string }>(`select id from reward.rewards where mission_id = '${missionId}'`);
        expect(rewardId, "the trace's reward is its mission's").to.equal(reward.id);
        // WalletCredited and MissionRewarded were written in this trace and sent.
        await expectSent(credited, 'wallet');
        await expectSent(
          expectChild(spans, processed('mission', rewardIssued), processed('reward', missionAchieved), SpanKind.CONSUMER),
          'mission',
        );
        // Nothing of another mission's chain in this trace.
        for (const span of spans) {
          const aggregate = span.attributes['event.aggregate_id'];
          if (aggregate !== undefined) expect([missionId, rewardId, customerId], span.name).to.include(aggregate);
        }
      }
      expect(traceIds.size, 'one trace per mission').to.equal(6);
    });

    it("continues a caller's trace through the REST edge: client traceparent -> edge span -> AchieveMission -> the reward", async () => {
      const gateway = await system.startGateway();
      const callerTraceId = randomUUID().replaceAll('-', '');
      const callerSpanId = randomUUID().replaceAll('-', '').slice(0, 16);
      const response = await fetch(`${gateway.url}/v1/missions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await system.tokens.token('game-server')}`,
          traceparent: `00-${callerTraceId}-${callerSpanId}-01`,
        },
        body: JSON.stringify({ customerId: `trace-edge-${randomUUID().slice(0, 8)}`, eventCode: 'test-event', missionCode: 'edge' }),
      });
      expect(response.status).to.equal(200);
      const spans = await eventually(() => {
        const trace = capture.spans(callerTraceId);
        expect(trace.map((span) => span.name)).to.include(processed('reward', missionAchieved));
        return trace;
      });
      const edge = spans.find((span) => span.name === 'POST /v1/missions');
      expect(edge?.kind).to.equal(SpanKind.SERVER);
      expect(parentOf(edge as ReadableSpan)).to.equal(callerSpanId);
      expectChild(spans, ACHIEVE_MISSION, 'POST /v1/missions', SpanKind.CLIENT);
      const server = expectChild(spans, ACHIEVE_MISSION, ACHIEVE_MISSION, SpanKind.SERVER);
      await expectSent(server, 'mission');
      expectChild(spans, processed('reward', missionAchieved), ACHIEVE_MISSION, SpanKind.CONSUMER);
      await gateway.stop();
    });

    it('a caller that sampled its trace out (flags 00) gets no spans anywhere down the chain, not new root traces', async () => {
      const gateway = await system.startGateway();
      const callerTraceId = randomUUID().replaceAll('-', '');
      const customerId = `trace-unsampled-${randomUUID().slice(0, 8)}`;
      const response = await fetch(`${gateway.url}/v1/missions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await system.tokens.token('game-server')}`,
          traceparent: `00-${callerTraceId}-${randomUUID().replaceAll('-', '').slice(0, 16)}-00`,
        },
        body: JSON.stringify({ customerId, eventCode: 'test-event', missionCode: 'unsampled' }),
      });
      expect(response.status).to.equal(200);
      const { missionId } = (await response.json()) as { missionId: string };
      await expectWalletToHold(system, customerId, 1);
      // The chain ran (the wallet holds the reward), and none of it was recorded.
      expect(capture.spans(callerTraceId)).to.deep.equal([]);
      expect(capture.spans().filter((span) => span.attributes['event.aggregate_id'] === missionId)).to.deep.equal([]);
      const [row] = await system.query<{ traceparent: string }>(
        `select traceparent from mission.outbox_events where aggregate_id = '${missionId}'`,
      );
      expect(row.traceparent).to.match(new RegExp(`^00-${callerTraceId}-[0-9a-f]{16}-00$`));
      await gateway.stop();
    });

    it('follows ExchangeReward through ReserveGift, the payment, the delivery and the stock', async () => {
      const customerId = `trace-x-${randomUUID().slice(0, 8)}`;
      const giftId = `traced-gift-${randomUUID().slice(0, 8)}`;
      await createGift(system, giftId, 3);
      const rewardId = await rewardInWallet(system, customerId, 'traced-exchange');
      const exchange = await exchangeReward(system, customerId, rewardId, giftId);
      await orderReaches(system, exchange.orderId, GiftOrderStatus.GIFT_ORDER_STATUS_SHIPPING);
      const spans = await eventually(() => {
        const trace = rootTrace(EXCHANGE_REWARD, exchange.orderId);
        expect(trace.map((span) => span.name)).to.include(processed('gift', deliveryStarted));
        return trace;
      });
      expectChild(spans, RESERVE_GIFT, EXCHANGE_REWARD, SpanKind.CLIENT);
      expectChild(spans, RESERVE_GIFT, RESERVE_GIFT, SpanKind.SERVER);
      const exchangeServer = spans.find((span) => span.name === EXCHANGE_REWARD && span.kind === SpanKind.SERVER);
      await expectSent(exchangeServer as ReadableSpan, 'wallet');
      const paid = expectChild(spans, processed('gift', rewardSpent), EXCHANGE_REWARD, SpanKind.CONSUMER);
      await expectSent(paid, 'gift');
      const delivering = expectChild(spans, processed('delivery', giftOrderPaid), processed('gift', rewardSpent), SpanKind.CONSUMER);
      await expectSent(delivering, 'delivery');
      expectChild(spans, processed('gift', deliveryStarted), processed('delivery', giftOrderPaid), SpanKind.CONSUMER);
      expect(new Set(spans.map((span) => span.spanContext().traceId)).size).to.equal(1);
    });
  });
}
