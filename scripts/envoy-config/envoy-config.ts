import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileRegistry } from '@bufbuild/protobuf';
import type { AccessPolicies } from '#platform/auth/access-policy';
import { envoyAccessLines } from './envoy-access-blocks.js';
import { envoyServiceBlocks } from './envoy-service-blocks.js';

/**
 * envoy/envoy.yaml is hand-written except its generated blocks, each between
 * `# BEGIN GENERATED <name> (...)` and `# END GENERATED <name>`, indented like its BEGIN line:
 *
 *   from proto/'s access options (envoy-access-blocks.ts): jwt-rules, rbac-policies,
 *     rate-limit-actions, rate-limit-buckets;
 *   from the service catalog and the descriptor set (envoy-service-blocks.ts):
 *     transcoder-services, edge-routes, mesh-routes, service-clusters.
 *
 * `npm run gen:envoy-config` (scripts/render-envoy-config.ts) rewrites them all;
 * test/deploy/service-catalog.test.ts and test/edge/envoy-access-config.test.ts fail when the
 * checked-in file is not what this renders.
 */

export const ENVOY_YAML = join(import.meta.dirname, '../../envoy/envoy.yaml');

export interface EnvoyConfigSources {
  readonly policies: AccessPolicies;
  readonly registry: FileRegistry;
}

/** Every generated block's lines (unindented), by name. */
export function generatedBlocks(sources: EnvoyConfigSources): Record<string, string[]> {
  return { ...envoyAccessLines(sources.policies), ...envoyServiceBlocks(sources.registry) };
}

const BEGIN = /^(\s*)# BEGIN GENERATED ([a-z-]+)\b.*$/;

/** envoy.yaml with every generated block replaced by what its sources give now. */
export function renderEnvoyConfig(yamlText: string, sources: EnvoyConfigSources): string {
  return spliceGeneratedBlocks(yamlText, generatedBlocks(sources));
}

/** `yamlText` with the lines between each BEGIN/END GENERATED pair replaced by its block. */
export function spliceGeneratedBlocks(yamlText: string, blocks: Readonly<Record<string, string[]>>): string {
  const lines = yamlText.split('\n');
  const out: string[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    out.push(line);
    const begin = BEGIN.exec(line);
    if (!begin) continue;
    const [, indent, name] = begin as unknown as [string, string, string];
    const block = Object.hasOwn(blocks, name) ? blocks[name] : undefined;
    if (!block) throw new Error(`envoy.yaml line ${index + 1}: no generated block named ${name}`);
    const end = lines.findIndex((candidate, at) => at > index && candidate.trim().startsWith(`# END GENERATED ${name}`));
    if (end < 0) throw new Error(`envoy.yaml: # BEGIN GENERATED ${name} has no # END GENERATED ${name}`);
    out.push(...block.map((blockLine) => (blockLine === '' ? '' : `${indent}${blockLine}`)));
    out.push(lines[end]!);
    seen.add(name);
    index = end;
  }
  const missing = Object.keys(blocks).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`envoy.yaml lacks the generated blocks ${missing.join(', ')}`);
  return out.join('\n');
}

export function readEnvoyYaml(): string {
  return readFileSync(ENVOY_YAML, 'utf8');
}
