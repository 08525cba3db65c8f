import { expect } from 'chai';
import type { DatabaseHandle } from '#platform/db/database';
import { TransactionScope } from '#platform/db/transaction-scope';
import { eventually } from '#testing/eventually';
import { type Mode, TestSystem } from '#testing/test-system';
import { DrizzleMyPageView } from '../../services/mypage/src/adapters/db/drizzle-my-page-view.js';
import { StoredPageCache } from '../../services/mypage/src/adapters/db/stored-page-cache.js';
import { myPageModule } from '../../services/mypage/src/composition-root.js';
import { getMyPage, newStoryIds, storyEvents } from './my-page-helpers.js';

/**
 * A replica sends a page it holds again only while the page's row is unchanged: one lookup of
 * the row's stamp, the bytes read only when they are new. Whatever replaced the row (an event
 * this or another replica applied, a rebuild, a hand-made update) is what the next read sends.
 * On both databases the platform runs on (the stamp is the row's xmin).
 */
for (const mode of ['servers', 'embedded'] as Mode[])
  describe(`My Page: stored pages held by a replica (StoredPageCache, ${mode})`, function () {
    this.timeout(60_000);
    let system: TestSystem;
    let handle: DatabaseHandle;

    before(async () => {
      system = await TestSystem.create(mode);
      await system.start(myPageModule);
      handle = await system.database();
    });

    after(async () => system?.close());

    const viewWith = (cache: StoredPageCache) => new DrizzleMyPageView(TransactionScope.database(handle.db), cache);
    const storedBytes = async (customerId: string) =>
      Buffer.from(
        (await system.query<{ page_message: Uint8Array }>(`select page_message from mypage.pages where customer_id = '${customerId}'`))[0]
          .page_message,
      );

    /** Publishes the story's first `count` events for a customer and waits for the page to hold them. */
    async function tell(customerId: string, count: number, ids = newStoryIds()) {
      await system.publish(storyEvents(customerId, ids).slice(0, count));
      await eventually(async () => expect((await getMyPage(system, customerId)).version).to.equal(count));
      return ids;
    }

    it('an unchanged page is sent from what the replica holds; once an event changes it, the new page', async () => {
      const ids = await tell('held-1', 3);
      const cache = new StoredPageCache(1 << 20);
      const view = viewWith(cache);
      const first = await view.storedPage('held-1');
      expect(Buffer.from(first as Uint8Array).equals(await storedBytes('held-1'))).to.equal(true);
      expect(await view.storedPage('held-1'), 'the same bytes, not read again').to.equal(first);

      await system.publish(storyEvents('held-1', ids).slice(3, 4));
      await eventually(async () => expect((await getMyPage(system, 'held-1')).version).to.equal(4));
      const changed = await view.storedPage('held-1');
      expect(changed).to.not.equal(first);
      expect(Buffer.from(changed as Uint8Array).equals(await storedBytes('held-1'))).to.equal(true);
      expect(Buffer.from(changed as Uint8Array).equals(Buffer.from(first as Uint8Array))).to.equal(false);
    });

    it('a hand-made update of the row, or one to a page of the same version, is read again (the stamp is the row version, not the page version)', async () => {
      await tell('held-2', 2);
      const view = viewWith(new StoredPageCache(1 << 20));
      const first = (await view.storedPage('held-2')) as Uint8Array;
      await system.query(`update mypage.pages set page_message = '\\x0a03616263'::bytea where customer_id = 'held-2'`);
      expect(Buffer.from((await view.storedPage('held-2')) as Uint8Array).toString('hex')).to.equal('0a03616263');
      await system.query(`update mypage.pages set page_message = null where customer_id = 'held-2'`);
      const assembled = (await view.storedPage('held-2')) as Uint8Array;
      expect(Buffer.from(assembled).equals(Buffer.from(first)), 'a row without a stored page is assembled from its facts').to.equal(true);
    });

    it('holds at most its bytes, the least recently sent out first; a page let go is read again, the same bytes', async () => {
      await tell('held-3', 3);
      await tell('held-4', 3);
      const one = (await storedBytes('held-3')).byteLength;
      const cache = new StoredPageCache(Math.floor(one * 1.5));
      const view = viewWith(cache);
      const first = await view.storedPage('held-3');
      expect(cache.size.pages).to.equal(1);
      await view.storedPage('held-4');
      expect(cache.size.pages, 'held-3 let go for held-4').to.equal(1);
      expect(cache.size.bytes).to.be.at.most(Math.floor(one * 1.5));
      const again = await view.storedPage('held-3');
      expect(again).to.not.equal(first);
      expect(Buffer.from(again as Uint8Array).equals(Buffer.from(first as Uint8Array))).to.equal(true);
      expect(
        await viewWith(new StoredPageCache(10)).storedPage('held-3'),
        'a page larger than the whole cache is sent, not held',
      ).to.deep.equal(again);
    });
  });
