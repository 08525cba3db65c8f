import type { ClientOptions } from '@grpc/grpc-js';
import { tracingClientInterceptor } from './tracing-interceptors.js';

/**
 * How much of its answers a service may send before this client acknowledges them (HTTP/2 flow
 * control, per stream and per connection). HTTP/2's default is 64 KiB for the whole connection:
 * eight My Pages in flight (23 KB each at 100 missions) stall the server until the client sends
 * WINDOW_UPDATEs, and GetMyPage at 8 in flight ran ~18% slower for it (docs/performance.md,
 * My Page). Envoy's upstream default is 256 MiB; 1 MiB covers the platform's answers.
 */
export const FLOW_CONTROL_WINDOW_BYTES = 1024 * 1024;

/**
 * No channelz bookkeeping: grpc-js records every call's start, end and outcome on its server,
 * channel and subchannel for the channelz service by default, and the platform serves no channelz
 * service (it has health, reflection and metrics): on a GetMyPage call the bookkeeping was
 * about 0.2% of the serving thread, for figures nobody can read.
 */
export const CHANNELZ_OFF = { 'grpc.enable_channelz': 0 } as const;

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
  'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
  ...CHANNELZ_OFF,
  // No caller stack captured per call (patches/@grpc+grpc-js+1.14.7.patch, as grpc/grpc-node#3083
  // proposes): grpc-js makes a new Error on every call for the error it might fail with, and in a
  // profile of bench:gateway that was 1.7% of the serving thread. A failed call's error still
  // says what failed (code, details); it no longer lists the caller's frames.
  'grpc-node.enable_caller_stack_traces': 0,
  // Carries the caller's trace context (W3C traceparent) to the service called.
  interceptors: [tracingClientInterceptor],
};
