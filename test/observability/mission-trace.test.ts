import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import { deliveryStarted, giftOrderPaid, missionAchieved, rewardIssued, rewardSpent } from '../../services/contracts/events.js';
import { GiftOrderStatus, GiftServiceService } from '../../services/contracts/generated/game/gift/v1/gift_service.js';
import { MissionServiceService } from '../../services/contracts/generated/game/mission/v1/mission_service.js';
import { WalletServiceService } from '../../services/contracts/generated/game/wallet/v1/wallet_service.js';
import type { EventType } from '../../services/platform/src/events/event-type.js';
import { expectWalletToHold, rewardInWallet } from '../support/chain-helpers.js';
import { eventually } from '../support/eventually.js';
import { createGift, exchangeReward, orderReaches } from '../support/exchange-helpers.js';
import { EXCHANGE_CHAIN, startPlatform } from '../support/start-platform.js';
import { type Mode, TestSystem } from '../support/test-system.js';
import { parentOf, TraceCapture } from '../support/trace-capture.js';

/** Span names, from the generated contract: `<Service>/<Method>` of an RPC, and the event spans. */
const ACHIEVE_MISSION = MissionServiceService.achieveMission.path.slice(1);
const EXCHANGE_REWARD = WalletServiceService.exchangeReward.path.slice(1);
const RESERVE_GIFT = GiftServiceService.reserveGift.path.slice(1);
const processed = (service: string, event: EventType<unknown>) => `${service} process ${event.name}`;
const published = (event: EventType<unknown>) => `publish ${event.routingKey}`;

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
      expectChild(spans, published(missionAchieved), ACHIEVE_MISSION, SpanKind.PRODUCER);
      expectChild(spans, processed('reward', missionAchieved), published(missionAchieved), SpanKind.CONSUMER);
      expectChild(spans, 'reward transaction', processed('reward', missionAchieved));
      expectChild(spans, published(rewardIssued), 'reward transaction', SpanKind.PRODUCER);
      const credit = expectChild(spans, processed('wallet', rewardIssued), published(rewardIssued), SpanKind.CONSUMER);
      expect(credit.attributes['event.outcome']).to.equal('ack');
      expectChild(spans, 'wallet transaction', processed('wallet', rewardIssued));
      expectChild(spans, processed('mission', rewardIssued), published(rewardIssued), SpanKind.CONSUMER);
      expectChild(spans, 'mission transaction', processed('mission', rewardIssued));
      expect(new Set(spans.map((span) => span.spanContext().traceId)).size).to.equal(1);
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
      expectChild(spans, ACHIEVE_MISSION, ACHIEVE_MISSION, SpanKind.SERVER);
      expectChild(spans, published(missionAchieved), ACHIEVE_MISSION, SpanKind.PRODUCER);
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
      expectChild(spans, published(rewardSpent), EXCHANGE_REWARD, SpanKind.PRODUCER);
      expectChild(spans, processed('gift', rewardSpent), published(rewardSpent), SpanKind.CONSUMER);
      expectChild(spans, published(giftOrderPaid), 'gift transaction');
      expectChild(spans, processed('delivery', giftOrderPaid), published(giftOrderPaid), SpanKind.CONSUMER);
      expectChild(spans, published(deliveryStarted), 'delivery transaction');
      expectChild(spans, processed('gift', deliveryStarted), published(deliveryStarted), SpanKind.CONSUMER);
      expect(new Set(spans.map((span) => span.spanContext().traceId)).size).to.equal(1);
    });
  });
}
