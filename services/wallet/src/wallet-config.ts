import { SERVICE_CATALOG } from '#contracts/service-catalog';
import { defaultAddress } from '#contracts/service-ports';
import { type Env, readInt, readString } from '#platform/config/env-reader';
import type { GiftShopPolicyOptions } from './adapters/gift-shop/gift-shop-policy.js';

/** The wallet's own settings (besides the platform's), read once at start. */
export interface WalletConfig {
  /** Where the gift service (or the mesh in front of it) listens. */
  giftAddress: string;
  giftShop: GiftShopPolicyOptions;
  /** A pending exchange older than this is taken for interrupted and settled by the recovery sweep. */
  exchangeStalledAfterMs: number;
  exchangeRecoverySweepMs: number;
  /** The wallet's own OAuth client (client credentials, scope service) for ReserveGift. */
  authClientId: string;
  /** Default: the embedded development provider's (public) wallet secret; set it for a real issuer. */
  authClientSecret: string;
}

/** The gift call's defaults, from the service catalog; WALLET_GIFT_* override them. */
const GIFT_CALL = SERVICE_CATALOG.wallet.calls.gift;

export function readWalletConfig(env: Env = process.env): WalletConfig {
  return {
    giftAddress: readString(env, 'WALLET_GIFT_ADDRESS', defaultAddress('gift', env)),
    giftShop: {
      attemptTimeoutMs: readInt(env, 'WALLET_GIFT_TIMEOUT_MS', GIFT_CALL.attemptTimeoutMs, { min: 10 }),
      maxRetries: readInt(env, 'WALLET_GIFT_MAX_RETRIES', GIFT_CALL.maxRetries, { min: 0, max: 10 }),
      breakerThreshold: readInt(env, 'WALLET_GIFT_BREAKER_THRESHOLD', GIFT_CALL.breakerThreshold, { min: 1 }),
      halfOpenAfterMs: readInt(env, 'WALLET_GIFT_BREAKER_HALF_OPEN_MS', GIFT_CALL.halfOpenAfterMs, { min: 100 }),
    },
    exchangeStalledAfterMs: readInt(env, 'WALLET_EXCHANGE_STALLED_AFTER_MS', 30_000, { min: 100 }),
    exchangeRecoverySweepMs: readInt(env, 'WALLET_EXCHANGE_RECOVERY_SWEEP_MS', 10_000, { min: 50 }),
    authClientId: readString(env, 'WALLET_AUTH_CLIENT_ID', 'wallet'),
    authClientSecret: readString(env, 'WALLET_AUTH_CLIENT_SECRET', 'dev-wallet-secret'),
  };
}
