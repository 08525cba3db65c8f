import { type Env, readInt } from '#platform/config/env-reader';

/** The gift service's own settings (besides the platform's), read once at start. */
export interface GiftConfig {
  /** How long ReserveGift holds a unit for an unpaid order. */
  readonly reservationTtlMs: number;
  /** How often expired reservations are released. */
  readonly expirySweepMs: number;
}

export function readGiftConfig(env: Env = process.env): GiftConfig {
  return {
    reservationTtlMs: readInt(env, 'GIFT_RESERVATION_TTL_MS', 120_000, { min: 1 }),
    expirySweepMs: readInt(env, 'GIFT_EXPIRY_SWEEP_MS', 5_000, { min: 10 }),
  };
}
