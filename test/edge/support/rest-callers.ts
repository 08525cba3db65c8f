import { loadDescriptorRegistry } from '../../../services/gateway/src/descriptor/descriptor-registry.js';
import { RouteTable } from '../../../services/gateway/src/routing/route-table.js';
import type { TestIdentity } from '../../support/test-identities.js';
import type { TestSystem } from '../../support/test-system.js';
import type { RestAuthorizer } from './rest-client.js';

let routes: RouteTable | undefined;

/**
 * REST calls made as the caller a gRPC test client would be (TestTokens.tokenForCall): the player
 * the request names (in its path or body), else a role its RPC allows; or a fixed identity. The
 * route, and so the RPC, comes from the same google.api.http table the gateway uses.
 */
export function restCallers(system: TestSystem, identity: TestIdentity = 'request-owner'): RestAuthorizer {
  routes ??= new RouteTable(loadDescriptorRegistry());
  return async (method, url, body) => {
    const [pathname] = url.split('?') as [string];
    const match = routes!.lookup(method, pathname);
    if (!match) return system.tokens.tokenForCall(identity === 'request-owner' ? 'operator' : identity, '', {});
    const request: Record<string, unknown> = body !== null && typeof body === 'object' ? { ...(body as Record<string, unknown>) } : {};
    for (const binding of match.bindings) {
      const field = binding.fieldPath.at(-1)!;
      request[field.replace(/_([a-z])/g, (_all, letter: string) => letter.toUpperCase())] = binding.value;
      request[field] = binding.value;
    }
    // A body field spelt the proto way (customer_id) names the customer as well.
    if (typeof request.customer_id === 'string' && request.customerId === undefined) request.customerId = request.customer_id;
    return system.tokens.tokenForCall(identity, match.route.grpcPath, request);
  };
}
