/**
 * A minimal `kustomize build` for the features k8s/ uses, so the manifests can be built and checked
 * on a machine without kustomize. It follows kustomize v5's behaviour for exactly this subset and
 * refuses anything else (an unknown kustomization field or generator option throws), so a
 * kustomization that grows beyond it fails here instead of being built differently.
 *
 * Supported:
 *   resources           files (multi-document YAML) and directories holding a kustomization.yaml
 *                       (built recursively); files must lie inside the kustomization's root
 *                       (kustomize's default LoadRestrictionsRootOnly)
 *   namespace           set on every namespaced resource (cluster-scoped kinds are left alone)
 *   labels              `pairs` added to metadata.labels; includeSelectors and includeTemplates
 *                       must be absent or false
 *   images              name -> newName / newTag / digest on containers and initContainers of pod
 *                       templates (the image's name is matched without its tag or digest)
 *   configMapGenerator  files (`path` or `key=path`), literals (`KEY=VALUE`), envs (dotenv files:
 *   secretGenerator     KEY=VALUE lines, `#` comments; a line without `=` is refused), behavior
 *                       `create` only, Secret `type`; non-UTF-8 file content goes to binaryData
 *   name hashes         generated ConfigMaps and Secrets get kustomize's content-hash suffix once,
 *                       at the top level, and references to them from pod templates (volumes,
 *                       projected sources, env valueFrom, envFrom) are renamed to match
 * Resource ids (apiVersion group, kind, namespace, name) must be unique, as in kustomize.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Manifest = Record<string, any> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

interface Built {
  manifest: Manifest;
  /** Name before the hash suffix; references in the sources use it. */
  originalName: string;
  hashSuffix: boolean;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'configMapGenerator', 'secretGenerator']);
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding',
  'CustomResourceDefinition', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'APIService', 'IngressClass', 'RuntimeClass', 'CSIDriver', 'VolumeAttachment',
]);

export class KustomizeError extends Error {}

/**
 * YAML 1.1, as Kubernetes' and kustomize's Go parsers read manifests: `0555` is octal (365), and
 * yes/no/on/off are booleans. A 1.2 parser would read `defaultMode: 0555` as 555.
 */
const YAML_OPTIONS = { version: '1.1' } as const;

/** Builds the kustomization in `dir`, like `kustomize build dir`. */
export function kustomizeBuild(dir: string): Manifest[] {
  const built = accumulate(resolve(dir));
  addHashSuffixes(built);
  return built.map((entry) => entry.manifest);
}

function kustomizationFile(dir: string): string {
  for (const name of KUSTOMIZATION_FILES) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new KustomizeError(`no kustomization file in ${dir}`);
}

function insideRoot(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function loadFile(root: string, path: string): Buffer {
  const full = resolve(root, path);
  if (!insideRoot(root, full)) {
    throw new KustomizeError(`security; file '${full}' is not in or below '${root}' (kustomize's LoadRestrictionsRootOnly)`);
  }
  if (!existsSync(full)) throw new KustomizeError(`${root}: file not found: ${path}`);
  return readFileSync(full);
}

function accumulate(root: string): Built[] {
  const kustomization = parseSingle(readFileSync(kustomizationFile(root), 'utf8'), kustomizationFile(root));
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new KustomizeError(`${root}: the offline kustomize does not support the field '${field}'`);
  }
  const resources: Built[] = [];
  for (const entry of (kustomization.resources ?? []) as string[]) {
    const path = resolve(root, entry);
    if (existsSync(path) && statSync(path).isDirectory()) {
      resources.push(...accumulate(path));
    } else {
      const text = loadFile(root, entry).toString('utf8');
      for (const manifest of parseManifests(text, path)) resources.push({ manifest, originalName: manifest.metadata.name, hashSuffix: false });
    }
  }
  for (const generator of (kustomization.configMapGenerator ?? []) as GeneratorSpec[]) resources.push(generate(root, 'ConfigMap', generator));
  for (const generator of (kustomization.secretGenerator ?? []) as GeneratorSpec[]) resources.push(generate(root, 'Secret', generator));

  if (kustomization.namespace !== undefined) setNamespace(resources, String(kustomization.namespace));
  for (const label of (kustomization.labels ?? []) as LabelSpec[]) addLabels(resources, label);
  for (const image of (kustomization.images ?? []) as ImageSpec[]) setImage(resources, image);
  checkUniqueIds(root, resources);
  return resources;
}

function parseSingle(text: string, source: string): Record<string, any> {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  if (docs.length !== 1) throw new KustomizeError(`${source}: expected one YAML document`);
  const [doc] = docs;
  if (doc.errors.length > 0) throw new KustomizeError(`${source}: ${doc.errors[0].message}`);
  return (doc.toJS() ?? {}) as Record<string, any>;
}

export function parseManifests(text: string, source: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const doc of parseAllDocuments(text, YAML_OPTIONS)) {
    if (doc.errors.length > 0) throw new KustomizeError(`${source}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || !value.apiVersion || !value.kind || !value.metadata?.name) {
      throw new KustomizeError(`${source}: every document needs apiVersion, kind and metadata.name`);
    }
    manifests.push(value as Manifest);
  }
  return manifests;
}

// ---- generators ------------------------------------------------------------------------------

interface GeneratorSpec {
  name: string;
  behavior?: string;
  type?: string;
  files?: string[];
  literals?: string[];
  envs?: string[];
  [other: string]: unknown;
}

const GENERATOR_FIELDS = new Set(['name', 'behavior', 'type', 'files', 'literals', 'envs']);

function generate(root: string, kind: 'ConfigMap' | 'Secret', spec: GeneratorSpec): Built {
  for (const field of Object.keys(spec)) {
    if (!GENERATOR_FIELDS.has(field) || (field === 'type' && kind !== 'Secret')) {
      throw new KustomizeError(`${root}: ${kind} generator '${spec.name}': the offline kustomize does not support '${field}'`);
    }
  }
  if (spec.behavior !== undefined && spec.behavior !== 'create') {
    throw new KustomizeError(`${root}: generator '${spec.name}': only behavior 'create' is supported`);
  }
  const pairs: Array<{ key: string; value: Buffer }> = [];
  for (const literal of spec.literals ?? []) {
    const [key, value] = splitPair(literal, `${spec.name}: literal`);
    pairs.push({ key, value: Buffer.from(unquote(value), 'utf8') });
  }
  for (const envFile of spec.envs ?? []) {
    for (const [key, value] of parseEnvFile(loadFile(root, envFile), envFile)) pairs.push({ key, value: Buffer.from(value, 'utf8') });
  }
  for (const file of spec.files ?? []) {
    const eq = file.indexOf('=');
    const [key, path] = eq > 0 ? [file.slice(0, eq), file.slice(eq + 1)] : [basename(file), file];
    pairs.push({ key, value: loadFile(root, path) });
  }
  const seen = new Set<string>();
  for (const { key } of pairs) {
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) throw new KustomizeError(`${spec.name}: invalid key '${key}'`);
    if (seen.has(key)) throw new KustomizeError(`${spec.name}: duplicate key '${key}'`);
    seen.add(key);
  }

  const manifest: Manifest = { apiVersion: 'v1', kind, metadata: { name: spec.name } };
  if (kind === 'Secret') {
    manifest.type = spec.type ?? 'Opaque';
    if (pairs.length > 0) manifest.data = Object.fromEntries(pairs.map(({ key, value }) => [key, kustomizeBase64(value)]));
  } else {
    const text = pairs.filter(({ value }) => isUtf8(value));
    const binary = pairs.filter(({ value }) => !isUtf8(value));
    if (text.length > 0) manifest.data = Object.fromEntries(text.map(({ key, value }) => [key, value.toString('utf8')]));
    if (binary.length > 0) manifest.binaryData = Object.fromEntries(binary.map(({ key, value }) => [key, kustomizeBase64(value)]));
  }
  return { manifest, originalName: spec.name, hashSuffix: true };
}

/**
 * kustomize's base64 for Secret data and ConfigMap binaryData: wrapped every 70 characters, each
 * line ending in a newline once there is more than one (Kubernetes' decoder skips the newlines).
 */
export function kustomizeBase64(value: Buffer): string {
  const encoded = value.toString('base64');
  const lineLength = 70;
  if (Math.floor(encoded.length / lineLength) + 1 <= 1) return encoded;
  let out = '';
  for (let i = 0; i < encoded.length; i += lineLength) out += `${encoded.slice(i, i + lineLength)}\n`;
  return out;
}

function splitPair(text: string, what: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new KustomizeError(`${what} '${text}' is not KEY=VALUE`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** kustomize strips one pair of matching surrounding quotes from a literal's value. */
function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) return value.slice(1, -1);
  return value;
}

function isUtf8(buffer: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return true;
  } catch {
    return false;
  }
}

/** kustomize's env file format: leading whitespace trimmed, blank and `#` lines skipped, split at the first `=`. */
export function parseEnvFile(content: Buffer | string, source: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const lines = content.toString().replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trimStart();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    // kustomize would read a bare KEY from the building process's environment: refused here, so
    // the output never depends on who builds it.
    if (eq < 0) throw new KustomizeError(`${source}:${index + 1}: '${line}' has no '=' (values from the environment are not supported)`);
    const key = line.slice(0, eq);
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) throw new KustomizeError(`${source}:${index + 1}: invalid variable name '${key}'`);
    pairs.push([key, line.slice(eq + 1)]);
  });
  return pairs;
}

// ---- transformers ----------------------------------------------------------------------------

function setNamespace(resources: Built[], namespace: string): void {
  for (const { manifest } of resources) {
    if (!CLUSTER_SCOPED.has(manifest.kind)) manifest.metadata.namespace = namespace;
  }
}

interface LabelSpec {
  pairs: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
}

function addLabels(resources: Built[], spec: LabelSpec): void {
  if (spec.includeSelectors || spec.includeTemplates) throw new KustomizeError('labels: includeSelectors/includeTemplates are not supported offline');
  for (const { manifest } of resources) manifest.metadata.labels = { ...(manifest.metadata.labels ?? {}), ...spec.pairs };
}

interface ImageSpec {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** The image's name without its tag or digest (a registry port is not a tag). */
export function imageName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
}

export function podTemplateSpecs(manifest: Manifest): Array<Record<string, any>> {
  const spec = manifest.spec?.template?.spec ?? manifest.spec?.jobTemplate?.spec?.template?.spec;
  if (manifest.kind === 'Pod') return manifest.spec ? [manifest.spec] : [];
  return spec ? [spec] : [];
}

function setImage(resources: Built[], spec: ImageSpec): void {
  for (const { manifest } of resources) {
    for (const pod of podTemplateSpecs(manifest)) {
      for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
        if (typeof container.image !== 'string' || imageName(container.image) !== spec.name) continue;
        const name = spec.newName ?? spec.name;
        const rest = container.image.slice(imageName(container.image).length);
        const currentTag = rest.startsWith(':') ? rest.split('@')[0] : '';
        if (spec.digest) container.image = `${name}@${spec.digest}`;
        else if (spec.newTag) container.image = `${name}:${spec.newTag}`;
        else container.image = `${name}${currentTag}`;
      }
    }
  }
}

function resourceId(manifest: Manifest): string {
  const group = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/')[0] : '';
  return `${group}/${manifest.kind}/${manifest.metadata.namespace ?? ''}/${manifest.metadata.name}`;
}

function checkUniqueIds(root: string, resources: Built[]): void {
  const seen = new Set<string>();
  for (const { manifest } of resources) {
    const id = resourceId(manifest);
    if (seen.has(id)) throw new KustomizeError(`${root}: may not add resource with an already registered id: ${id}`);
    seen.add(id);
  }
}

// ---- name hashes and references ---------------------------------------------------------------

/** Go's json.Marshal: map keys sorted, and <, >, & and U+2028/2029 escaped as it does. */
function goJson(value: unknown): string {
  const sorted = (input: unknown): unknown => {
    if (Array.isArray(input)) return input.map(sorted);
    if (input && typeof input === 'object') {
      return Object.fromEntries(Object.keys(input as object).sort().map((key) => [key, sorted((input as Record<string, unknown>)[key])]));
    }
    return input;
  };
  return JSON.stringify(sorted(value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * kustomize v5's hasher (api/hasher): sha256 of a JSON encoding of kind, name, data (and
 * binaryData, or type for a Secret), first 10 hex digits with 0, 1, 3, a, e replaced. Its lookup of
 * `metadata/name` finds no such single key, so the name is always encoded as "" (checked against
 * `kubectl kustomize`, kustomize v5.5.0: every generated name here comes out identical).
 */
export function kustomizeHash(manifest: Manifest): string {
  let encoded: Record<string, unknown>;
  if (manifest.kind === 'ConfigMap') {
    encoded = { kind: 'ConfigMap', name: '', data: manifest.data ?? '' };
    if (manifest.binaryData && Object.keys(manifest.binaryData).length > 0) encoded.binaryData = manifest.binaryData;
  } else if (manifest.kind === 'Secret') {
    encoded = { kind: 'Secret', type: manifest.type ?? '', name: '', data: manifest.data ?? '' };
  } else {
    throw new KustomizeError(`cannot hash a ${manifest.kind}`);
  }
  const hex = createHash('sha256').update(goJson(encoded)).digest('hex');
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((char) => swap[char] ?? char).join('');
}

function addHashSuffixes(resources: Built[]): void {
  const renamed = new Map<string, string>();
  for (const entry of resources) {
    if (!entry.hashSuffix) continue;
    const name = `${entry.manifest.metadata.name}-${kustomizeHash(entry.manifest)}`;
    renamed.set(`${entry.manifest.kind}/${entry.manifest.metadata.namespace ?? ''}/${entry.originalName}`, name);
    entry.manifest.metadata.name = name;
  }
  for (const { manifest } of resources) {
    const namespace = manifest.metadata.namespace ?? '';
    const rename = (kind: string, name: unknown): unknown => (typeof name === 'string' ? (renamed.get(`${kind}/${namespace}/${name}`) ?? name) : name);
    for (const pod of podTemplateSpecs(manifest)) {
      for (const volume of pod.volumes ?? []) {
        if (volume.configMap) volume.configMap.name = rename('ConfigMap', volume.configMap.name);
        if (volume.secret) volume.secret.secretName = rename('Secret', volume.secret.secretName);
        for (const source of volume.projected?.sources ?? []) {
          if (source.configMap) source.configMap.name = rename('ConfigMap', source.configMap.name);
          if (source.secret) source.secret.name = rename('Secret', source.secret.name);
        }
      }
      for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
        for (const env of container.env ?? []) {
          const ref = env.valueFrom;
          if (ref?.configMapKeyRef) ref.configMapKeyRef.name = rename('ConfigMap', ref.configMapKeyRef.name);
          if (ref?.secretKeyRef) ref.secretKeyRef.name = rename('Secret', ref.secretKeyRef.name);
        }
        for (const from of container.envFrom ?? []) {
          if (from.configMapRef) from.configMapRef.name = rename('ConfigMap', from.configMapRef.name);
          if (from.secretRef) from.secretRef.name = rename('Secret', from.secretRef.name);
        }
      }
      for (const pullSecret of pod.imagePullSecrets ?? []) pullSecret.name = rename('Secret', pullSecret.name);
    }
  }
}
