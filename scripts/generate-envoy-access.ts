/**
 * Rewrites the generated blocks of envoy/envoy.yaml (jwt_authn rules, RBAC policies, rate-limit
 * descriptors) from the access options in proto/, via the descriptor set `npm run gen` builds.
 * Run after changing an RPC's `option (game.platform.v1.access)`: `npm run gen:envoy-access`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessPolicies } from '#platform/auth/access-policy';
import { renderEnvoyAccess } from './envoy-access/envoy-access-rules.js';

const ENVOY_YAML = join(import.meta.dirname, '../envoy/envoy.yaml');

const before = readFileSync(ENVOY_YAML, 'utf8');
const after = renderEnvoyAccess(before, AccessPolicies.load());
if (after !== before) writeFileSync(ENVOY_YAML, after);
console.log(after === before ? 'envoy/envoy.yaml is current' : 'envoy/envoy.yaml: generated access blocks rewritten');
