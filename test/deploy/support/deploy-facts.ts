/**
 * What the deploy tests read from the repository: the built manifests (through the real kustomize
 * that kubectl ships), the services in the contract, the environment variables the code reads, the
 * Makefile's variables, the Dockerfile and .dockerignore, and the Envoy config.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { Copy, DockerfileParser, From } from 'dockerfile-ast';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

// A CommonJS module whose typings declare an ES default export: required, so both agree.
const dockerignore: typeof import('@balena/dockerignore').default = createRequire(import.meta.url)('@balena/dockerignore');

export type Manifest = Record<string, any> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const NAMESPACE = 'game';
export const GRPC_PORT = 50051;

export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

// ---- manifests -------------------------------------------------------------------------------

export const ENVOY_SOURCES = ['envoy/envoy.yaml', 'envoy/descriptor-set.binpb'] as const;

/**
 * Builds k8s/base and k8s/overlays/kind the way `make deploy` does (`kubectl kustomize`, the
 * kustomize v5 that kubectl ships), without touching the work tree: k8s/ is copied to a temporary
 * directory, envoy/envoy.yaml and envoy/descriptor-set.binpb are staged into its base/generated/
 * (what scripts/deploy/stage-envoy-files.sh does) and the overlay's credentials are made afresh by
 * scripts/deploy/kind-secrets.sh (what make deploy runs; a copy of a local secrets/ is dropped first).
 */
export function buildManifests(): { base: Manifest[]; kind: Manifest[] } {
  const missing = ENVOY_SOURCES.filter((file) => !existsSync(repoPath(file)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} missing: the Envoy config is written in envoy/ and the descriptor set by \`npm run gen:envoy\` ` +
        '(make deploy runs it); the base kustomization mounts both into the Envoy pods',
    );
  }
  const workdir = mkdtempSync(join(tmpdir(), 'deploy-manifests-'));
  try {
    cpSync(repoPath('k8s'), join(workdir, 'k8s'), { recursive: true, filter: (source) => !source.includes(`${join('k8s', '.deploy')}`) });
    const generated = join(workdir, 'k8s', 'base', 'generated');
    mkdirSync(generated, { recursive: true });
    for (const file of ENVOY_SOURCES) cpSync(repoPath(file), join(generated, file.split('/').pop() as string));
    const secrets = join(workdir, KIND_SECRETS_DIR);
    rmSync(secrets, { recursive: true, force: true });
    makeKindSecrets(secrets);
    return { base: kustomize(join(workdir, 'k8s', 'base')), kind: kustomize(join(workdir, 'k8s', 'overlays', 'kind')) };
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

/** k8s/monitoring (PodMonitors, rules, dashboard) as `kubectl kustomize` builds it. */
export function buildMonitoring(): { monitoring: Manifest[] } {
  return { monitoring: kustomize(repoPath('k8s', 'monitoring')) };
}

/** Where the kind overlay's secretGenerator reads its env files (gitignored). */
export const KIND_SECRETS_DIR = 'k8s/overlays/kind/secrets';

/** Runs scripts/deploy/kind-secrets.sh into `dir`; returns the names of the values it made. */
export function makeKindSecrets(dir: string): string[] {
  const output = execFileSync(repoPath('scripts/deploy/kind-secrets.sh'), [dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return output.split('\n').filter((line) => line !== '');
}

function kustomize(dir: string): Manifest[] {
  const output = execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseManifests(output);
}

/**
 * YAML 1.1, as Kubernetes' Go parser reads manifests: `0555` is octal and yes/no are booleans
 * (a 1.2 parser would read `defaultMode: 0555` as 555).
 */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text, { version: '1.1' }).flatMap((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    const value = doc.toJS() as Manifest | null;
    return value ? [value] : [];
  });
}

/** The image's name without its tag or digest (a registry port is not a tag). */
export function imageName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
}

export function podTemplateSpecs(manifest: Manifest): Array<Record<string, any>> {
  if (manifest.kind === 'Pod') return manifest.spec ? [manifest.spec] : [];
  const spec = manifest.spec?.template?.spec ?? manifest.spec?.jobTemplate?.spec?.template?.spec;
  return spec ? [spec] : [];
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the build`);
  return found;
}

/** A generated ConfigMap or Secret by the name it has before kustomize's hash suffix. */
export function findGenerated(manifests: Manifest[], kind: 'ConfigMap' | 'Secret', name: string): Manifest | undefined {
  return manifests.find((manifest) => manifest.kind === kind && new RegExp(`^${name}-[a-z0-9]{10}$`).test(manifest.metadata.name));
}

/** The string values of a ConfigMap's data or a Secret's (base64) data. */
export function valuesOf(manifest: Manifest | undefined): Record<string, string> {
  if (!manifest) return {};
  const data = (manifest.data ?? {}) as Record<string, string>;
  if (manifest.kind === 'Secret')
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
  return { ...data };
}

/** The variables a container gets from its envFrom ConfigMaps and Secrets and its env values. */
export function containerEnvironment(manifests: Manifest[], container: Record<string, any>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const source = from.configMapRef
      ? manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === from.configMapRef.name)
      : manifests.find((manifest) => manifest.kind === 'Secret' && manifest.metadata.name === from.secretRef?.name);
    Object.assign(env, valuesOf(source));
  }
  for (const variable of container.env ?? []) if (typeof variable.value === 'string') env[variable.name] = variable.value;
  return env;
}

// ---- the contract ----------------------------------------------------------------------------

export interface ContractService {
  /** The <context> of game.<context>.v1, which is also the service's directory under services/. */
  context: string;
  fullName: string;
}

export const DESCRIPTOR_SET = repoPath('services/contracts/generated/descriptor-set.binpb');

/** Every gRPC service of a game.<context>.v1 package in the descriptor set `npm run gen` builds. */
export function contractServices(): ContractService[] {
  if (!existsSync(DESCRIPTOR_SET)) throw new Error(`${DESCRIPTOR_SET} is missing: run \`npm run gen\``);
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET));
  const services: ContractService[] = [];
  for (const file of set.file) {
    const match = /^game\.([a-z0-9_]+)\.v1$/.exec(file.package ?? '');
    if (!match) continue;
    for (const service of file.service) services.push({ context: match[1], fullName: `${file.package}.${service.name}` });
  }
  return services;
}

// ---- environment variables the code reads ----------------------------------------------------

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.isFile() && path.endsWith('.ts') ? [path] : [];
  });
}

const FIXED_NAME_PATTERNS = [
  // readString(env, 'NAME' ...), readInt(process.env, 'NAME', ...), readPlatformConfig's helpers
  /\bread(?:String|OptionalString|Int|Bool)\(\s*[\w.]+\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g,
  /\bprocess\.env\.([A-Z][A-Z0-9_]*)\b/g,
  /\b(?:process\.)?env\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g,
];
/** `${module.name.toUpperCase()}_GRPC_PORT`, `${serviceName.toUpperCase()}_DATABASE_URL`: per-service names. */
const PER_SERVICE_PATTERN = /\$\{\s*[\w.]+\.toUpperCase\(\)\s*\}_([A-Z][A-Z0-9_]*)/g;

/**
 * The environment variables a service's process can read: names in its own src/ (or codeDir) and
 * in the shared platform code, with the per-service templates expanded for this service.
 */
export function variablesReadBy(service: string, codeDir = repoPath('services', service, 'src')): Set<string> {
  const files = [...sourceFiles(codeDir), ...sourceFiles(repoPath('services', 'platform', 'src'))];
  const names = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of FIXED_NAME_PATTERNS) for (const match of text.matchAll(pattern)) names.add(match[1]);
    for (const match of text.matchAll(PER_SERVICE_PATTERN)) names.add(`${service.toUpperCase()}_${match[1]}`);
  }
  return names;
}

/** The variables a service needs in a cluster, where the embedded defaults must not apply. */
export function requiredVariables(service: string): string[][] {
  const required = [[`DATABASE_URL`, `${service.toUpperCase()}_DATABASE_URL`], ['AMQP_URL'], [`${service.toUpperCase()}_GRPC_PORT`]];
  if (service === 'wallet') required.push(['WALLET_GIFT_ADDRESS']);
  return required;
}

// ---- Makefile --------------------------------------------------------------------------------

export function makefile(): string {
  return readFileSync(repoPath('Makefile'), 'utf8');
}

/** `NAME ?= value` and `NAME := value` assignments (the defaults `make deploy` uses). */
export function makefileVariables(): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const match of makefile().matchAll(/^([A-Z_]+)\s*(?:\?=|:=|=)\s*(.*?)\s*$/gm)) variables[match[1]] = match[2];
  return variables;
}

/** Targets with their `## description` (what `make help` lists). */
export function makefileTargets(): Map<string, string> {
  const targets = new Map<string, string>();
  for (const match of makefile().matchAll(/^([a-zA-Z_-]+):[^\n#]*?##\s*(.+)$/gm)) targets.set(match[1], match[2].trim());
  return targets;
}

/** The recipe lines of a target. */
export function makefileRecipe(target: string): string[] {
  const lines = makefile().split('\n');
  const start = lines.findIndex((line) => line.startsWith(`${target}:`));
  if (start < 0) return [];
  const recipe: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('\t')) break;
    recipe.push(line.slice(1));
  }
  return recipe;
}

// ---- Dockerfile and .dockerignore ------------------------------------------------------------

export interface DockerInstruction {
  keyword: string;
  /** The arguments as written, flags (RUN --mount, COPY --from) left out. */
  args: string;
  /** The arguments one by one, variables expanded. */
  words: string[];
  /** COPY --from's stage, if any. */
  from?: string;
}

export interface DockerStage {
  name?: string;
  image: string;
  instructions: DockerInstruction[];
}

/** The Dockerfile's stages as dockerfile-ast parses them, with ARG defaults expanded in FROM. */
export function dockerStages(text = readFileSync(repoPath('Dockerfile'), 'utf8')): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const words = instruction.getExpandedArguments().map((argument) => argument.getValue());
    if (instruction instanceof From) {
      stages.push({ image: words[0], name: instruction.getBuildStage() ?? undefined, instructions: [] });
    } else if (stages.length > 0) {
      const from = instruction instanceof Copy ? (instruction.getFromFlag()?.getValue() ?? undefined) : undefined;
      stages[stages.length - 1].instructions.push({
        keyword: instruction.getKeyword(),
        args: instruction.getArgumentsContent() ?? '',
        words,
        from,
      });
    }
  }
  return stages;
}

export interface CopyInstruction {
  from?: string;
  sources: string[];
  destination: string;
}

export function copyInstruction(instruction: DockerInstruction): CopyInstruction {
  return { from: instruction.from, sources: instruction.words.slice(0, -1), destination: instruction.words[instruction.words.length - 1] };
}

/** Whether Docker leaves `path` out of the build context (@balena/dockerignore ports Docker's matcher). */
export function dockerignored(path: string, patterns = dockerignorePatterns()): boolean {
  return dockerignore()
    .add(patterns)
    .ignores(path.replace(/^\.?\//, ''));
}

export function dockerignorePatterns(): string[] {
  return readFileSync(repoPath('.dockerignore'), 'utf8').split('\n');
}

// ---- Envoy -----------------------------------------------------------------------------------

export const ENVOY_CONFIG = repoPath('envoy/envoy.yaml');

export function envoyConfig(): Record<string, any> {
  if (!existsSync(ENVOY_CONFIG)) {
    throw new Error(
      'envoy/envoy.yaml does not exist: the Envoy deployment mounts it as /etc/envoy/envoy.yaml, so it must be written first',
    );
  }
  return parseYaml(readFileSync(ENVOY_CONFIG, 'utf8')) as Record<string, any>;
}

export interface SocketAddress {
  address: string;
  port: number;
}

function socketAddress(value: any): SocketAddress | undefined {
  const socket = value?.socket_address;
  return socket ? { address: String(socket.address), port: Number(socket.port_value) } : undefined;
}

export function envoyListeners(config: Record<string, any>): Array<{ name: string; address?: SocketAddress; raw: Record<string, any> }> {
  return (config.static_resources?.listeners ?? []).map((listener: any) => ({
    name: listener.name,
    address: socketAddress(listener.address),
    raw: listener,
  }));
}

export function envoyClusterEndpoints(config: Record<string, any>): Map<string, SocketAddress[]> {
  const clusters = new Map<string, SocketAddress[]>();
  for (const cluster of config.static_resources?.clusters ?? []) {
    const endpoints: SocketAddress[] = [];
    for (const group of cluster.load_assignment?.endpoints ?? []) {
      for (const endpoint of group.lb_endpoints ?? []) {
        const address = socketAddress(endpoint.endpoint?.address);
        if (address) endpoints.push(address);
      }
    }
    clusters.set(cluster.name, endpoints);
  }
  return clusters;
}

export function envoyAdminAddress(config: Record<string, any>): SocketAddress | undefined {
  return socketAddress(config.admin?.address);
}

/**
 * What keeps a listener on `port` from being a safe readiness endpoint: it must exist and route
 * exactly path /ready to a cluster whose only endpoint is the admin address (direct responses,
 * such as a 404 for everything else, are allowed). Empty when it is one.
 */
export function readinessListenerProblems(config: Record<string, any>, port: number): string[] {
  const listener = envoyListeners(config).find((candidate) => candidate.address?.port === port);
  if (!listener) {
    return [
      `envoy.yaml needs a listener on 0.0.0.0:${port} whose only route is path /ready to a cluster at the admin address ` +
        '(the admin listens on loopback, where a kubelet probe cannot reach)',
    ];
  }
  const problems: string[] = [];
  if (listener.address?.address !== '0.0.0.0') problems.push(`listener ${listener.name} binds ${listener.address?.address}, not 0.0.0.0`);
  const admin = envoyAdminAddress(config);
  const clusters = envoyClusterEndpoints(config);
  const routes = (collect(listener.raw, 'routes') as unknown[][]).flat() as Array<Record<string, any>>;
  let readyRoutes = 0;
  for (const route of routes) {
    if (route.direct_response) continue;
    if (JSON.stringify(route.match) !== JSON.stringify({ path: '/ready' }))
      problems.push(`listener ${listener.name} forwards ${JSON.stringify(route.match)}, not only path /ready`);
    const endpoints = clusters.get(route.route?.cluster);
    if (JSON.stringify(endpoints) !== JSON.stringify([admin]))
      problems.push(`route to cluster ${route.route?.cluster} does not reach only the admin ${JSON.stringify(admin)}`);
    else readyRoutes += 1;
  }
  if (readyRoutes === 0) problems.push(`listener ${listener.name} has no /ready route to the admin`);
  return problems;
}

/** Every object in the tree that has the given key, with its value. */
export function collect(value: unknown, key: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const item of value) collect(item, key, found);
  else if (value && typeof value === 'object') {
    for (const [name, child] of Object.entries(value)) {
      if (name === key) found.push(child);
      collect(child, key, found);
    }
  }
  return found;
}

// ---- files -----------------------------------------------------------------------------------

export function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

export function relativeToRepo(path: string): string {
  return relative(REPO_ROOT, path);
}

/** A kustomize env file (KEY=VALUE lines, `#` comments), read with Node's own dotenv parser. */
export function readEnvFile(path: string): Record<string, string> {
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}
