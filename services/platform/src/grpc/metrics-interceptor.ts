import { status as GrpcStatus, ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import { metricsEnabled } from '../metrics/metrics-registry.js';
import { grpcHandled, grpcHandlingSeconds } from '../metrics/platform-metrics.js';
import { perMethod } from './per-method.js';
import { unchangedCall } from './unchanged-call.js';

/**
 * RED metrics per RPC: rate and errors from grpc_server_handled_total (by status code),
 * duration from grpc_server_handling_seconds. Counted when the status is sent, so calls refused
 * by later interceptors (auth) and calls that fail count too; a call the client cancels counts
 * as CANCELLED.
 */
export const metricsServerInterceptor: ServerInterceptor = (method, call) => {
  if (!metricsEnabled()) return unchangedCall(call);
  const labels = methodLabels(method.path);
  const started = performance.now();
  let recorded = false;
  const record = (code: number) => {
    if (recorded) return;
    recorded = true;
    grpcHandled.inc({ ...labels, grpc_code: GrpcStatus[code] ?? String(code) });
    grpcHandlingSeconds.observe(labels, (performance.now() - started) / 1000);
  };
  return new ServerInterceptingCall(call, {
    start(next) {
      next({ onCancel: () => record(GrpcStatus.CANCELLED) });
    },
    sendStatus(status, next) {
      record(status.code ?? GrpcStatus.UNKNOWN);
      next(status);
    },
  });
};

/** The labels of a method, built on its first call (one object serves every call). */
const methodLabels = perMethod((grpc_service, grpc_method) => ({ grpc_service, grpc_method }));
