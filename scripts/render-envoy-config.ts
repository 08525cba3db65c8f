/**
 * `npm run gen:envoy-config` (after `npm run gen`): rewrites the generated blocks of
 * envoy/envoy.yaml, from proto/'s access options (jwt rules, RBAC, rate limits) and from the
 * service catalog, services/contracts/service-catalog.ts (clusters, routes, the transcoder's
 * services). Run it after changing either; scripts/envoy-config/envoy-config.ts lists the blocks.
 */
import { writeFileSync } from 'node:fs';
import { AccessPolicies } from '#platform/auth/access-policy';
import { loadDescriptorRegistry } from '../services/gateway/src/descriptor/descriptor-registry.js';
import { ENVOY_YAML, readEnvoyYaml, renderEnvoyConfig } from './envoy-config/envoy-config.js';

const before = readEnvoyYaml();
const after = renderEnvoyConfig(before, { policies: AccessPolicies.load(), registry: loadDescriptorRegistry() });
if (after !== before) writeFileSync(ENVOY_YAML, after);
console.log(after === before ? 'envoy/envoy.yaml is current' : 'envoy/envoy.yaml: generated blocks rewritten');
