import { Metadata, ServerInterceptingCall, type ServerInterceptor, status } from '@grpc/grpc-js';
import type { Logger } from '../logging/logger.js';
import { type AccessPolicies, CallerRole, type MethodAccessPolicy } from './access-policy.js';
import { Caller } from './caller.js';
import { type TokenVerifier, UnauthenticatedError } from './token-verifier.js';

/** Identity headers only Envoy's jwt_authn may set: a client's copies are dropped, never trusted. */
const SPOOFABLE = /^x-(caller|jwt)-/;

/** The verified caller of each call, by the call's metadata object (which the handler is given). */
const callers = new WeakMap<Metadata, Caller>();

/**
 * The caller a call was let in as (its token's roles narrowed to those the RPC allows). Every
 * platform RPC passes the auth interceptor first, so a handler without one is a wiring bug and
 * is refused rather than served anonymously.
 */
export function callerOf(call: { metadata: Metadata }): Caller {
  const caller = callers.get(call.metadata);
  if (!caller) throw new UnauthenticatedError('the call carries no verified caller');
  return caller;
}

/**
 * Every service's gate, from the policies in the descriptor: default deny (an RPC of game.* with
 * no policy is refused to everyone), the token verified again here (never trusted because Envoy
 * or the gateway looked at it) and the caller's role checked against `allow`. Whose data the call
 * may touch is the application layer's rule: the use case is handed callerOf(call) and checks the
 * customer its request names (`player_owns_field`, Caller.requireActsFor) and what it reaches by id
 * (an order, a delivery).
 * Health and reflection (not game.*) pass untouched.
 */
export function authInterceptor(deps: { verifier: TokenVerifier; policies: AccessPolicies; logger: Logger }): ServerInterceptor {
  return (methodDescriptor, call) => {
    const path = methodDescriptor.path;
    if (!deps.policies.isPlatform(path)) return new ServerInterceptingCall(call);
    const policy = deps.policies.forPath(path);
    // Settles once the metadata is checked: the message waits for it (grpc-js hands the message
    // to this listener as soon as it arrives, possibly before the token is verified).
    let admitted!: (caller: Caller | undefined) => void;
    const admission = new Promise<Caller | undefined>((resolve) => {
      admitted = resolve;
    });
    let refused = false;
    const refuse = (code: status, errorCode: string, details: string) => {
      if (refused) return;
      refused = true;
      const trailers = new Metadata();
      trailers.set('error-code', errorCode);
      call.sendStatus({ code, details, metadata: trailers });
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, passOn) {
            for (const key of Object.keys(metadata.getMap())) if (SPOOFABLE.test(key)) metadata.remove(key);
            if (!policy) {
              admitted(undefined);
              return refuse(status.PERMISSION_DENIED, 'NO_ACCESS_POLICY', `${path} declares no access policy, so nobody may call it`);
            }
            admit(deps.verifier, policy, metadata).then(
              (caller) => {
                if (!caller.roles.size && !policy.allow.includes(CallerRole.CALLER_ROLE_PUBLIC)) {
                  admitted(undefined);
                  return refuse(
                    status.PERMISSION_DENIED,
                    'ROLE_NOT_ALLOWED',
                    `${policy.method} is not open to this caller (${describeRoles(policy)} only)`,
                  );
                }
                callers.set(metadata, caller);
                admitted(caller);
                passOn(metadata);
              },
              (error: unknown) => {
                admitted(undefined);
                if (error instanceof UnauthenticatedError) return refuse(status.UNAUTHENTICATED, 'UNAUTHENTICATED', error.message);
                deps.logger.warn('could not verify an access token', { path, error: String(error) });
                refuse(status.UNAVAILABLE, 'AUTH_UNAVAILABLE', 'the access token cannot be verified now; try again');
              },
            );
          },
          onReceiveMessage(message, passOn) {
            void admission.then((caller) => {
              if (refused || !caller || !policy) return;
              passOn(message);
            });
          },
          onReceiveHalfClose(passOn) {
            if (!refused) passOn();
          },
          onCancel() {
            refused = true;
          },
        });
      },
    });
  };
}

/** The caller, narrowed to the roles the policy allows (none: the RPC is not theirs). */
async function admit(verifier: TokenVerifier, policy: MethodAccessPolicy, metadata: Metadata): Promise<Caller> {
  const header = metadata.get('authorization')[0];
  if (header === undefined && policy.allow.includes(CallerRole.CALLER_ROLE_PUBLIC))
    return new Caller('', '', new Set([CallerRole.CALLER_ROLE_PUBLIC]));
  const caller = await verifier.verifyAuthorization(typeof header === 'string' ? header : undefined);
  return caller.within(policy.allow);
}

function describeRoles(policy: MethodAccessPolicy): string {
  return policy.allow.map((role) => CallerRole[role].replace('CALLER_ROLE_', '').toLowerCase().replace('_', ' ')).join(', ');
}
