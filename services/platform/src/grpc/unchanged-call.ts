import type { ServerInterceptingCall, ServerInterceptingCallInterface } from '@grpc/grpc-js';

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
