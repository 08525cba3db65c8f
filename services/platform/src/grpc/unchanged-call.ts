import type { InterceptingCall, Interceptor, ServerInterceptingCall, ServerInterceptingCallInterface } from '@grpc/grpc-js';

/** What a client interceptor's `nextCall` returns (grpc-js does not export the interface's name). */
type NextInterceptingCall = ReturnType<Parameters<Interceptor>[1]>;

/**
 * What a server interceptor with nothing to do on a call returns: the call it was given, as it
 * is. grpc-js chains a server's interceptors by handing each the previous one's call
 * (getServerInterceptingCall in its server-interceptors.js) and then uses only the methods of
 * ServerInterceptingCallInterface, so wrapping the call in a ServerInterceptingCall without a
 * listener or responder only adds a layer that forwards every step of every call (telemetry
 * off, or a health check past the access check). The interceptor type names the class; the
 * object is the interface the class implements.
 */
export function unchangedCall(call: ServerInterceptingCallInterface): ServerInterceptingCall {
  return call as ServerInterceptingCall;
}

/**
 * The same for a client interceptor with nothing to do: the next call in the chain, as it is
 * (grpc-js composes a client's interceptors with reduceRight over `nextCall` and then uses only
 * the methods of InterceptingCallInterface; getInterceptingCall in its client-interceptors.js).
 */
export function unchangedClientCall(call: NextInterceptingCall): InterceptingCall {
  return call as InterceptingCall;
}
