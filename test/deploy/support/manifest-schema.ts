/**
 * Checks built manifests against the Kubernetes API (1.27, kubernetes-models 4.5) two ways:
 *   validate()   each kind's model class runs its JSON schema: types, formats, required fields
 *   typeCheck()  the same objects as TypeScript literals typed with the models' interfaces and
 *                compiled with tsc: the schemas accept unknown fields, TypeScript's excess
 *                property check does not, so a misspelt field (`readinesProbe`) fails here
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { Manifest } from './deploy-facts.js';
import { repoPath } from './deploy-facts.js';

interface Model {
  validate(): void;
}

const MODELS: Record<string, { create: (data: Manifest) => Model; module: string; type: string }> = {
  'v1/Namespace': { create: (data) => new Namespace(data as never), module: 'kubernetes-models/v1/Namespace', type: 'INamespace' },
  'v1/Service': { create: (data) => new Service(data as never), module: 'kubernetes-models/v1/Service', type: 'IService' },
  'v1/ConfigMap': { create: (data) => new ConfigMap(data as never), module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  'v1/Secret': { create: (data) => new Secret(data as never), module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  'v1/ServiceAccount': {
    create: (data) => new ServiceAccount(data as never),
    module: 'kubernetes-models/v1/ServiceAccount',
    type: 'IServiceAccount',
  },
  'rbac.authorization.k8s.io/v1/Role': {
    create: (data) => new Role(data as never),
    module: 'kubernetes-models/rbac.authorization.k8s.io/v1/Role',
    type: 'IRole',
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    create: (data) => new RoleBinding(data as never),
    module: 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding',
    type: 'IRoleBinding',
  },
  'apps/v1/Deployment': {
    create: (data) => new Deployment(data as never),
    module: 'kubernetes-models/apps/v1/Deployment',
    type: 'IDeployment',
  },
  'apps/v1/StatefulSet': {
    create: (data) => new StatefulSet(data as never),
    module: 'kubernetes-models/apps/v1/StatefulSet',
    type: 'IStatefulSet',
  },
  'batch/v1/CronJob': { create: (data) => new CronJob(data as never), module: 'kubernetes-models/batch/v1/CronJob', type: 'ICronJob' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    create: (data) => new HorizontalPodAutoscaler(data as never),
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    type: 'IHorizontalPodAutoscaler',
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    create: (data) => new NetworkPolicy(data as never),
    module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
    type: 'INetworkPolicy',
  },
  'policy/v1/PodDisruptionBudget': {
    create: (data) => new PodDisruptionBudget(data as never),
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    type: 'IPodDisruptionBudget',
  },
};

function modelFor(manifest: Manifest) {
  const model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!model)
    throw new Error(
      `no Kubernetes model for ${manifest.apiVersion} ${manifest.kind} (${manifest.metadata.name}): add it to manifest-schema.ts`,
    );
  return model;
}

/**
 * kustomize wraps long base64 values (Secret data, ConfigMap binaryData) with newlines, which the
 * API server's decoder skips (Go's base64 ignores \r and \n) but the schema's "byte" format does
 * not: validated as the server reads them.
 */
function asDecoded(manifest: Manifest): Manifest {
  const copy = structuredClone(manifest);
  const field = copy.kind === 'Secret' ? 'data' : copy.kind === 'ConfigMap' ? 'binaryData' : undefined;
  if (field && copy[field]) {
    copy[field] = Object.fromEntries(
      Object.entries(copy[field] as Record<string, string>).map(([key, value]) => [key, value.replace(/[\r\n]/g, '')]),
    );
  }
  return copy;
}

/** Schema errors per resource ("Kind/name: message"); empty when all are valid. */
export function schemaErrors(manifests: Manifest[]): string[] {
  const errors: string[] = [];
  for (const manifest of manifests) {
    try {
      modelFor(manifest).create(asDecoded(manifest)).validate();
    } catch (error) {
      errors.push(`${manifest.kind}/${manifest.metadata.name}: ${(error as Error).message}`);
    }
  }
  return errors;
}

const run = promisify(execFile);

/** tsc's errors for the manifests as typed literals, each naming its resource; empty when all compile. */
export async function typeErrors(manifests: Manifest[], label: string): Promise<string[]> {
  const dir = repoPath('test-artifacts', `deploy-typecheck-${label}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const imports = new Map<string, string>();
  const declarations: string[] = [];
  const owners: Array<{ line: number; resource: string }> = [];
  let line = 0;
  manifests.forEach((manifest, index) => {
    const model = modelFor(manifest);
    imports.set(model.module, model.type);
    const body = `export const resource${index}: ${model.type} = ${JSON.stringify(manifest, null, 2)};`;
    owners.push({ line: line + 1, resource: `${manifest.kind}/${manifest.metadata.name}` });
    declarations.push(body);
    line += body.split('\n').length;
  });
  const header = [...imports].map(([module, type]) => `import type { ${type} } from '${module}';`);
  writeFileSync(join(dir, 'manifests.ts'), `${[...header, ...declarations].join('\n')}\n`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        skipLibCheck: true,
        types: [],
      },
      files: ['manifests.ts'],
    }),
  );
  try {
    await run(repoPath('node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    rmSync(dir, { recursive: true, force: true });
    return [];
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    const found = [...output.matchAll(/manifests\.ts\((\d+),\d+\): (error TS\d+: .*)/g)].map(([, at, message]) => {
      const owner = [...owners].reverse().find((candidate) => candidate.line + header.length <= Number(at));
      return `${owner?.resource ?? '?'}: ${message}`;
    });
    return found.length > 0 ? found : [output.trim() || String(error)];
  }
}
