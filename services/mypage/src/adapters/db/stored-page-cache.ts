/**
 * The stored pages this replica sent last, by customer, each under the stamp of the row version
 * it was read from, least recently used first out once they pass `maxBytes`.
 *
 * Why: a stored page is tens of kilobytes (100 missions, rewards and orders: ~23 KB), which
 * Postgres sends as hex text and postgres-js decodes into a new buffer on every read; in a CPU
 * profile of bench:mypage that decoding and the garbage it left were about a third of the busy
 * time. A page changes only when an event for its customer is applied, and is read far more
 * often, so a read asks the database for the page only if its row changed since this replica
 * last sent it (DrizzleMyPageView.storedPage): one primary-key lookup either way, the bytes only
 * when they are new. The stamp is checked on every read, so a replica never serves a page that
 * another replica's or a rebuild's write replaced.
 */
export class StoredPageCache {
  private readonly pages = new Map<string, { readonly stamp: string; readonly bytes: Uint8Array }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The stamp of the page held for this customer, if any. */
  stampOf(customerId: string): string | undefined {
    return this.pages.get(customerId)?.stamp;
  }

  /** The page held for this customer if it is the one stamped so (and it becomes the most recent). */
  get(customerId: string, stamp: string): Uint8Array | undefined {
    const held = this.pages.get(customerId);
    if (held?.stamp !== stamp) return undefined;
    this.pages.delete(customerId);
    this.pages.set(customerId, held);
    return held.bytes;
  }

  /** Holds the page (unless it alone is over the limit); what to send: the held copy, or the page. */
  put(customerId: string, stamp: string, page: Uint8Array): Uint8Array {
    this.forget(customerId);
    if (page.byteLength > this.maxBytes) return page;
    const bytes = page.byteLength === page.buffer.byteLength ? page : ownCopy(page);
    this.pages.set(customerId, { stamp, bytes });
    this.bytes += bytes.byteLength;
    for (const [oldest] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.forget(oldest);
    }
    return bytes;
  }

  /** How many pages and bytes are held (for tests and metrics). */
  get size(): { pages: number; bytes: number } {
    return { pages: this.pages.size, bytes: this.bytes };
  }

  private forget(customerId: string): void {
    const held = this.pages.get(customerId);
    if (!held) return;
    this.pages.delete(customerId);
    this.bytes -= held.bytes.byteLength;
  }
}

/** A small buffer can be a view into a shared 8 KiB pool slab: a copy of its own size holds only itself. */
function ownCopy(page: Uint8Array): Uint8Array {
  const copy = Buffer.allocUnsafeSlow(page.byteLength);
  copy.set(page);
  return copy;
}
