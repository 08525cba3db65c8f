import { Metadata, ServerInterceptingCall, type ServerInterceptor, status } from '@grpc/grpc-js';
import { unchangedCall } from '../grpc/unchanged-call.js';
import type { Logger } from '../logging/logger.js';
import { type AccessPolicies, CallerRole, type MethodAccessPolicy } from './access-policy.js';
import { Caller } from './caller.js';
import { type TokenVerifier, UnauthenticatedError } from './token-verifier.js';

/** Identity headers only Envoy's jwt_authn may set: a client's copies are dropped, never trusted. */
const SPOOFABLE = /^x-(caller|jwt)-/;

/** The verified caller of each call, by the call's metadata object (which the handler is given). */
const callers = new WeakMap<Metadata, Caller>();

/** Who calls a public RPC without a token. */
const PUBLIC_CALLER = new Caller('', '', new Set([CallerRole.CALLER_ROLE_PUBLIC]));

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
    if (!deps.policies.isPlatform(path)) return unchangedCall(call);
    const policy = deps.policies.forPath(path);
    // The message waits for the metadata's verdict: grpc-js hands it to this listener as soon
    // as it arrives, possibly before the token is verified. A token seen before is decided at
    // once (no promise per call); only a new one waits for its signature check.
    let decided = false;
    let admittedCaller: Caller | undefined;
    let waiting: (() => void)[] = [];
    const decide = (caller: Caller | undefined) => {
      decided = true;
      admittedCaller = caller;
      for (const deliver of waiting) deliver();
      waiting = [];
    };
    let refused = false;
    const refuse = (code: status, errorCode: string, details: string) => {
      decide(undefined);
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
            if (!policy)
              return refuse(status.PERMISSION_DENIED, 'NO_ACCESS_POLICY', `${path} declares no access policy, so nobody may call it`);
            const letIn = (caller: Caller) => {
              if (!caller.roles.size && !policy.allow.includes(CallerRole.CALLER_ROLE_PUBLIC))
                return refuse(
                  status.PERMISSION_DENIED,
                  'ROLE_NOT_ALLOWED',
                  `${policy.method} is not open to this caller (${describeRoles(policy)} only)`,
                );
              callers.set(metadata, caller);
              passOn(metadata);
              decide(caller);
            };
            const known = knownCaller(deps.verifier, policy, metadata);
            if (known) return letIn(known);
            admit(deps.verifier, policy, metadata).then(letIn, (error: unknown) => {
              if (error instanceof UnauthenticatedError) return refuse(status.UNAUTHENTICATED, 'UNAUTHENTICATED', error.message);
              deps.logger.warn('could not verify an access token', { path, error: String(error) });
              refuse(status.UNAVAILABLE, 'AUTH_UNAVAILABLE', 'the access token cannot be verified now; try again');
            });
          },
          onReceiveMessage(message, passOn) {
            const deliver = () => {
              if (!refused && admittedCaller) passOn(message);
            };
            if (decided) deliver();
            else waiting.push(deliver);
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

/** The caller of a token verified before (or of no token, where the RPC is public), at once; else undefined. */
function knownCaller(verifier: TokenVerifier, policy: MethodAccessPolicy, metadata: Metadata): Caller | undefined {
  const header = metadata.get('authorization')[0];
  if (header === undefined && policy.allow.includes(CallerRole.CALLER_ROLE_PUBLIC)) return PUBLIC_CALLER;
  return verifier.knownCaller(typeof header === 'string' ? header : undefined)?.within(policy.allow);
}

/** The caller, narrowed to the roles the policy allows (none: the RPC is not theirs). */
async function admit(verifier: TokenVerifier, policy: MethodAccessPolicy, metadata: Metadata): Promise<Caller> {
  const header = metadata.get('authorization')[0];
  const caller = await verifier.verifyAuthorization(typeof header === 'string' ? header : undefined);
  return caller.within(policy.allow);
}

function describeRoles(policy: MethodAccessPolicy): string {
  return policy.allow.map((role) => CallerRole[role].replace('CALLER_ROLE_', '').toLowerCase().replace('_', ' ')).join(', ');
}
