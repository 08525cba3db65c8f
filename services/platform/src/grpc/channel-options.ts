import type { ClientOptions } from '@grpc/grpc-js';
import { tracingClientInterceptor } from './tracing-interceptors.js';

/**
 * Options for every client of another service of the platform (wallet to gift, gateway to
 * services). A target may name several replicas (`ipv4:a,b`): calls are balanced round robin.
 * Reconnect backoff stays short: grpc-js would otherwise wait up to minutes before retrying a
 * replica that restarted, and a rolling restart would briefly leave no replica to call.
 */
export const SERVICE_CLIENT_OPTIONS: Partial<ClientOptions> = {
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  // Carries the caller's trace context (W3C traceparent) to the service called.
  interceptors: [tracingClientInterceptor],
};
