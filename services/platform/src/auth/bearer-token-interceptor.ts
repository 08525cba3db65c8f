import { InterceptingCall, type Interceptor, Metadata, status } from '@grpc/grpc-js';

/** Anything that hands out a current access token (cached or fetched). */
export interface TokenSource {
  token(): Promise<string>;
}

/**
 * A client interceptor that sends `authorization: Bearer <token>` on every call. (gRPC call
 * credentials would do this, but grpc-js applies them on TLS channels only; inside the mesh the
 * sidecars hold the TLS.) The call starts once the token is there; a token that cannot be had
 * fails the call UNAVAILABLE.
 */
export function bearerTokenInterceptor(source: TokenSource): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata: Metadata, listener, next) {
        source.token().then(
          (token) => {
            metadata.set('authorization', `Bearer ${token}`);
            next(metadata, listener);
          },
          // The call never reaches the wire without its credentials.
          (error: Error) =>
            listener.onReceiveStatus({ code: status.UNAVAILABLE, details: `no access token: ${error.message}`, metadata: new Metadata() }),
        );
      },
    });
}
