import { expect } from 'chai';
import { settledWithin, TransactionStalledError } from '#platform/db/transaction-deadline';
import { unavailability } from '#platform/errors/infrastructure-error';

/** A transaction the driver lost is abandoned at its deadline, as the database being unavailable. */
describe('transaction deadline', () => {
  it('passes on what settles in time, result or error', async () => {
    expect(await settledWithin(Promise.resolve(7), 1000, 'a transaction')).to.equal(7);
    const failure = new Error('constraint');
    const caught = await settledWithin(Promise.reject(failure), 1000, 'a transaction').catch((error: unknown) => error);
    expect(caught).to.equal(failure);
  });

  it('rejects what has not settled by the deadline with DATABASE_STALLED, which counts as the database unavailable', async () => {
    const never = new Promise<never>(() => {});
    const started = Date.now();
    const caught = await settledWithin(never, 50, "the mission consumer's transaction").catch((error: unknown) => error);
    expect(Date.now() - started).to.be.at.least(45);
    expect(caught).to.be.instanceOf(TransactionStalledError);
    expect((caught as Error).message).to.include("the mission consumer's transaction did not settle within 50 ms");
    expect(unavailability(caught)).to.deep.equal({ dependency: 'database', code: 'DATABASE_STALLED' });
  });

  it('leaves no unhandled rejection behind when the abandoned work fails later', async () => {
    let fail: (error: Error) => void = () => {};
    const late = new Promise<never>((_, reject) => {
      fail = reject;
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await settledWithin(late, 20, 'a transaction').catch(() => {});
      fail(new Error('connection closed, long after'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
