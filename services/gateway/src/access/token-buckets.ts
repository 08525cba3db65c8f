import type { TokenBucketSettings } from './edge-rate-limits.js';

/**
 * Token buckets keyed by caller, with the semantics of Envoy's local_ratelimit so the gateway
 * and Envoy refuse the same calls: a bucket starts full, every call takes one token, and every
 * refill interval adds tokensPerRefill (capped at size) in one step, not continuously. Written
 * here rather than taken from a library: the well-kept Node limiters (rate-limiter-flexible,
 * limiter) count fixed windows or refill continuously, which answers differently from Envoy at
 * the interval's edges. Like Envoy's max_dynamic_descriptors, at most maxKeys buckets are kept;
 * the least recently used is dropped (a dropped caller comes back with a full bucket).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; refilledAt: number }>();

  constructor(
    private readonly settings: TokenBucketSettings,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (settings.size < 1 || settings.tokensPerRefill < 1 || settings.refillIntervalMs < 50) {
      throw new Error(
        `a token bucket needs size >= 1, tokensPerRefill >= 1 and refillIntervalMs >= 50 (Envoy's floor), got ${JSON.stringify(settings)}`,
      );
    }
  }

  /** Takes a token for key: 0 when one was there, else the milliseconds until the next refill. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.settings.size, refilledAt: now };
    const intervals = Math.floor((now - bucket.refilledAt) / this.settings.refillIntervalMs);
    if (intervals > 0) {
      bucket.tokens = Math.min(this.settings.size, bucket.tokens + intervals * this.settings.tokensPerRefill);
      bucket.refilledAt += intervals * this.settings.refillIntervalMs;
    }
    // Re-inserting keeps the Map in least-recently-used order.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(bucket.refilledAt + this.settings.refillIntervalMs - now));
  }
}
