import type { FileRegistry } from '@bufbuild/protobuf';
import { DEFAULT_GRPC_PORTS, defaultAddress, type ServiceName } from '#contracts/service-ports';
import { ConfigError, type Env, readBool, readInt, readOptionalString, readString } from '#platform/config/env-reader';
import { readLogLevel } from '#platform/config/platform-config';
import type { LogLevel } from '#platform/logging/logger';
import { DEFAULT_RATE_LIMITS, type RateLimitClass, type TokenBucketSettings } from './access/edge-rate-limits.js';
import { publicServices } from './edge-policy.js';
import type { Upstreams } from './upstream/upstream-pool.js';

/** The services' own default gRPC ports (services/<name>/src/composition-root.ts). */
const DEFAULT_PORTS: Readonly<Record<string, number>> = DEFAULT_GRPC_PORTS;

/** The request body limit envoy/envoy.yaml sets. */
export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  /** Directory served at `/` (outside /v1/); none by default. */
  readonly staticDir?: string;
  /** Overrides the per-route timeouts (edge-policy.ts) when set. */
  readonly upstreamTimeoutMs?: number;
  readonly maxRequestBytes: number;
  readonly upstreams: Upstreams;
  readonly logLevel: LogLevel;
  readonly logPretty: boolean;
  /** The edge's token buckets (edge-rate-limits.ts), the same defaults envoy.yaml is generated with. */
  readonly rateLimits: Readonly<Record<RateLimitClass, TokenBucketSettings>>;
}

/**
 * GATEWAY_HOST (0.0.0.0), GATEWAY_PORT (8080), GATEWAY_STATIC_DIR, GATEWAY_UPSTREAM_TIMEOUT_MS
 * (default: per route, 5 s or 10 s as in envoy.yaml), GATEWAY_MAX_REQUEST_BYTES (65536), and for every public service of the contract
 * `<CONTEXT>_ADDRESS` (MISSION_ADDRESS, ...; any gRPC target, default 127.0.0.1:<CONTEXT>_GRPC_PORT, else its
 * default port).
 * Rate limits: GATEWAY_PLAYER_WRITES_BUCKET_SIZE / _REFILL_TOKENS / _REFILL_MS and
 * GATEWAY_CLIENT_WRITES_BUCKET_SIZE / _REFILL_TOKENS / _REFILL_MS (edge-rate-limits.ts).
 * A public service with neither an address nor a known default port stops the start.
 */
export function readGatewayConfig(registry: FileRegistry, env: Env = process.env): GatewayConfig {
  const upstreams = upstreamsFor(registry, (context) => {
    const known = DEFAULT_PORTS[context] !== undefined;
    return readOptionalString(env, `${context.toUpperCase()}_ADDRESS`) ?? (known ? defaultAddress(context as ServiceName, env) : undefined);
  });
  const missing = publicServices(registry).find((service) => !upstreams[service.name]);
  if (missing) throw new ConfigError(`${missing.context.toUpperCase()}_ADDRESS is required: the gateway serves ${missing.name}`);
  return {
    host: readString(env, 'GATEWAY_HOST', '0.0.0.0'),
    port: readInt(env, 'GATEWAY_PORT', 8080, { min: 0, max: 65535 }),
    staticDir: readOptionalString(env, 'GATEWAY_STATIC_DIR'),
    upstreamTimeoutMs:
      readOptionalString(env, 'GATEWAY_UPSTREAM_TIMEOUT_MS') === undefined
        ? undefined
        : readInt(env, 'GATEWAY_UPSTREAM_TIMEOUT_MS', 0, { min: 1 }),
    maxRequestBytes: readInt(env, 'GATEWAY_MAX_REQUEST_BYTES', DEFAULT_MAX_REQUEST_BYTES, { min: 1 }),
    upstreams,
    logLevel: readLogLevel(env),
    logPretty: readBool(env, 'LOG_PRETTY', false),
    rateLimits: {
      'player-writes': readBucket(env, 'GATEWAY_PLAYER_WRITES', DEFAULT_RATE_LIMITS['player-writes']),
      'client-writes': readBucket(env, 'GATEWAY_CLIENT_WRITES', DEFAULT_RATE_LIMITS['client-writes']),
    },
  };
}

function readBucket(env: Env, prefix: string, defaults: TokenBucketSettings): TokenBucketSettings {
  const size = readInt(env, `${prefix}_BUCKET_SIZE`, defaults.size, { min: 1 });
  return {
    size,
    tokensPerRefill: readInt(env, `${prefix}_REFILL_TOKENS`, defaults.tokensPerRefill, { min: 1, max: size }),
    refillIntervalMs: readInt(env, `${prefix}_REFILL_MS`, defaults.refillIntervalMs, { min: 50 }),
  };
}

/**
 * Upstreams for every public service whose context has an address: `addressOf('gift')` gives
 * game.gift.v1.GiftService its target. The launcher passes its running services' ports this way
 * (`(context) => running[context] && \`127.0.0.1:${running[context]}\``); services it does not run answer 503.
 */
export function upstreamsFor(registry: FileRegistry, addressOf: (context: string) => string | undefined): Upstreams {
  const upstreams: Record<string, string> = {};
  for (const service of publicServices(registry)) {
    const address = addressOf(service.context);
    if (address) upstreams[service.name] = address;
  }
  return upstreams;
}
