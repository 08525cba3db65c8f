import { expect } from 'chai';
import { GroupCommit } from '#platform/db/group-commit';

/** A write that records each batch it was given and answers every item with item * 10. */
function recordingWrite(fail: (items: readonly number[]) => Error | undefined = () => undefined) {
  const batches: number[][] = [];
  return {
    batches,
    write: async (items: readonly number[]) => {
      batches.push([...items]);
      await new Promise((resolve) => setImmediate(resolve));
      const error = fail(items);
      if (error) throw error;
      return items.map((item) => item * 10);
    },
  };
}

describe('group commit (platform, no servers)', () => {
  it('joins requests that arrive together into one write, answering each with its own result', async () => {
    const recorder = recordingWrite();
    const commit = new GroupCommit({ write: recorder.write, maxBatch: 100, maxInFlight: 1 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((item) => commit.submit(item)));
    expect(results).to.deep.equal([10, 20, 30, 40, 50]);
    expect(recorder.batches).to.deep.equal([[1, 2, 3, 4, 5]]);
  });

  it('gathers requests that arrive while a write runs into the next write, at most maxBatch per write', async () => {
    const recorder = recordingWrite();
    const commit = new GroupCommit({ write: recorder.write, maxBatch: 3, maxInFlight: 1 });
    const first = commit.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4, 5].map((item) => commit.submit(item));
    expect(await Promise.all([first, ...rest])).to.deep.equal([10, 20, 30, 40, 50]);
    expect(recorder.batches).to.deep.equal([[1], [2, 3, 4], [5]]);
  });

  it('writes a failed batch again item by item, so only the bad request fails', async () => {
    const recorder = recordingWrite((items) => (items.includes(3) ? new Error('check constraint violated') : undefined));
    const commit = new GroupCommit({ write: recorder.write, maxBatch: 100, maxInFlight: 1 });
    const settled = await Promise.allSettled([1, 2, 3, 4].map((item) => commit.submit(item)));
    expect(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : 'failed'))).to.deep.equal([10, 20, 'failed', 40]);
    expect(recorder.batches).to.deep.equal([[1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it('fails the whole batch at once when the database is away (no item-by-item retries against a dead server)', async () => {
    const away = Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' });
    const recorder = recordingWrite(() => away);
    const commit = new GroupCommit({ write: recorder.write, maxBatch: 100, maxInFlight: 1 });
    const settled = await Promise.allSettled([1, 2, 3].map((item) => commit.submit(item)));
    expect(settled.map((outcome) => outcome.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
    expect(recorder.batches).to.deep.equal([[1, 2, 3]]);
  });
});
