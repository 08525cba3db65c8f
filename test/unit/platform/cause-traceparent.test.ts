import { randomBytes, randomUUID } from 'node:crypto';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { expect } from 'chai';
import type { EventEnvelope } from '#platform/bus/event-bus';
import { causeTraceparent, traceConsume } from '#platform/telemetry/event-tracing';
import { disableTracing, enableTracing, tracerProvider } from '#platform/telemetry/tracing';

/** A consumed event in a trace of its own, about a UUID aggregate (every chain aggregate's is). */
function consumed(): EventEnvelope & { traceId: string } {
  const traceId = randomBytes(16).toString('hex');
  return {
    id: randomUUID(),
    type: 'game.mission.v1.MissionAchieved',
    routingKey: 'mission.achieved',
    aggregateId: randomUUID(),
    occurredAt: new Date(),
    payload: new Uint8Array(),
    attempt: 1,
    traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    traceId,
  };
}

/** A consequence's payload that names its cause's aggregate among other bytes, as protobuf would. */
const naming = (...ids: string[]) => new TextEncoder().encode(ids.map((id) => `\u0012\u0024${id}`).join(`\u001a\u0003c-1`));

const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];

/**
 * Events written while a batch is applied take the trace of the event that caused them: the
 * one whose aggregate id the payload names, whatever order the rows are written in.
 */
describe('the cause of an event written inside a consumed batch', () => {
  const exporter = new InMemorySpanExporter();
  let provider: NodeTracerProvider;
  before(async () => {
    provider = await tracerProvider(exporter);
    enableTracing(provider);
  });
  after(() => disableTracing());

  const inBatch = <T>(batch: readonly EventEnvelope[], work: () => T): Promise<T> =>
    traceConsume('queue', batch).inTransaction(batch, async () => work());

  it('is the event whose aggregate the payload names, in the order of the batch or any other', async () => {
    const batch = [consumed(), consumed(), consumed(), consumed()];
    const traces = await inBatch(batch, () =>
      [0, 1, 1, 2, 3, 3, 0, 2, 1].map((i) => traceIdOf(causeTraceparent(naming(randomUUID(), batch[i].aggregateId)))),
    );
    expect(traces).to.deep.equal([0, 1, 1, 2, 3, 3, 0, 2, 1].map((i) => batch[i].traceId));
  });

  it('is none when the payload names no event of the batch, and the only one when the batch has one', async () => {
    const batch = [consumed(), consumed()];
    expect(await inBatch(batch, () => causeTraceparent(naming(randomUUID())))).to.equal(undefined);
    const [single] = batch;
    expect(traceIdOf(await inBatch([single], () => causeTraceparent(naming(randomUUID()))))).to.equal(single.traceId);
  });

  it('matches an aggregate id whatever its letter case in the payload', async () => {
    const batch = [consumed(), consumed()];
    const cause = await inBatch(batch, () => causeTraceparent(naming(batch[1].aggregateId.toUpperCase())));
    expect(traceIdOf(cause)).to.equal(batch[1].traceId);
  });

  it('is undefined outside a batch', () => {
    expect(causeTraceparent(naming(randomUUID()))).to.equal(undefined);
  });

  it('of an event its trace sampled out is that event itself: no span is made, the decision travels on', async () => {
    await provider.forceFlush();
    exporter.reset();
    const sampledOut = { ...consumed(), traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00` };
    const traced = consumed();
    const batch = [sampledOut, traced];
    const tracing = traceConsume('queue', batch);
    const causes = await tracing.inTransaction(batch, async () => batch.map((envelope) => causeTraceparent(naming(envelope.aggregateId))));
    for (const envelope of batch) tracing.settle(envelope, 'ack');
    await provider.forceFlush();
    expect(causes[0]).to.equal(sampledOut.traceparent);
    expect(traceIdOf(causes[1])).to.equal(traced.traceId);
    expect(causes[1]?.endsWith('-01')).to.equal(true);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.spanContext().traceId)).to.have.members([traced.traceId, traced.traceId]);
    expect(spans.map((span) => span.name)).to.have.members([`queue process ${traced.type}`, 'queue transaction']);
  });
});
