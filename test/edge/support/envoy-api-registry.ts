import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileRegistry, type FileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

/**
 * Envoy's v3 API as a @bufbuild/protobuf registry, compiled from the protos that ship inside
 * @grpc/grpc-js-xds (deps/: envoy-api, xds + udpa, googleapis, protoc-gen-validate) with the buf
 * CLI from npm. The compiled set is cached in os.tmpdir() under a hash of every input, so only the
 * first run after an upgrade pays for the build (under a second).
 */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEPS = join(REPO_ROOT, 'node_modules/@grpc/grpc-js-xds/deps');
const BUF = join(REPO_ROOT, 'node_modules/.bin/buf');

/** Module roots as buf sees them: import path prefix -> directory that holds it. */
const ROOTS: ReadonlyArray<readonly [string, string]> = [
  ['envoy', join(DEPS, 'envoy-api/envoy')],
  ['xds', join(DEPS, 'xds/xds')],
  ['udpa', join(DEPS, 'xds/udpa')],
  ['google', join(DEPS, 'googleapis/google')],
];
const VALIDATE_PROTO = join(DEPS, 'protoc-gen-validate/validate/validate.proto');

/**
 * What gets compiled: the bootstrap and every v3 extension (the typed_config targets). The v2
 * leftovers in this copy import files it does not ship, and the OpenTelemetry access logger needs
 * opentelemetry-proto, which is not there either.
 */
const BUILD_PATHS = ['envoy/config/bootstrap/v3', 'envoy/extensions'];
const EXCLUDED_PATHS = ['envoy/extensions/access_loggers/open_telemetry'];

/**
 * This copy of the Envoy API is newer than its validate.proto: Envoy's protos set `ignore_empty`,
 * which that validate.proto does not declare, so they do not compile as shipped. Add the field with
 * upstream protoc-gen-validate's numbers (the validator honours it). A validate.proto that already
 * declares it is used unchanged.
 */
const IGNORE_EMPTY_FIELD_NUMBERS: Readonly<Record<string, number>> = {
  FloatRules: 8,
  DoubleRules: 8,
  Int32Rules: 8,
  Int64Rules: 8,
  UInt32Rules: 8,
  UInt64Rules: 8,
  SInt32Rules: 8,
  SInt64Rules: 8,
  Fixed32Rules: 8,
  Fixed64Rules: 8,
  SFixed32Rules: 8,
  SFixed64Rules: 8,
  StringRules: 26,
  BytesRules: 14,
  RepeatedRules: 5,
  MapRules: 6,
};

export function patchedValidateProto(source: string): string {
  if (/\bignore_empty\b/.test(source)) return source;
  let patched = source;
  for (const [message, number] of Object.entries(IGNORE_EMPTY_FIELD_NUMBERS)) {
    // The shipped file has CRLF line ends; keep whichever the line uses.
    const opening = new RegExp(`^message ${message} \\{(\\r?\\n)`, 'm');
    if (!opening.test(patched)) throw new Error(`validate.proto has no message ${message} to add ignore_empty to`);
    patched = patched.replace(opening, (line, eol: string) => `${line}    optional bool ignore_empty = ${number};${eol}`);
  }
  return patched;
}

/**
 * What Envoy 1.34 (the image k8s/ runs) added to local_ratelimit that this older copy lacks:
 * dynamic token buckets. A descriptor entry without a value is a wildcard (one bucket per distinct
 * value, e.g. per player), so upstream dropped the entry value's min_len; and the filter caps how
 * many such buckets it keeps with max_dynamic_descriptors (google.protobuf.UInt32Value, field 18
 * upstream, at least 1). Both patches are a no-op once the copy has them. Upstream also documents
 * that a blank value works only for buckets per Envoy instance, not per downstream connection.
 */
const API_PATCHES: ReadonlyArray<{ file: string; patch: (source: string) => string }> = [
  {
    file: 'envoy/extensions/common/ratelimit/v3/ratelimit.proto',
    patch: (source) => source.replace(/(string value = 2) \[\(validate\.rules\)\.string = \{min_len: 1\}\];/, '$1;'),
  },
  {
    file: 'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
    patch: (source) =>
      /\bmax_dynamic_descriptors\b/.test(source)
        ? source
        : source.replace(
            /(bool rate_limited_as_resource_exhausted = 15;)(\r?\n)/,
            '$1$2$2  google.protobuf.UInt32Value max_dynamic_descriptors = 18 [(validate.rules).uint32 = {gte: 1}];$2',
          ),
  },
];

export function patchedEnvoyApiFile(file: string, source: string): string {
  const found = API_PATCHES.find((entry) => entry.file === file);
  if (!found) return source;
  const patched = found.patch(source);
  if (patched === source && !/max_dynamic_descriptors/.test(source) && !/string value = 2;/.test(source)) {
    throw new Error(`${file}: the patch for Envoy 1.34's dynamic rate-limit descriptors no longer applies`);
  }
  return patched;
}

let loaded: FileRegistry | undefined;

/** The Envoy API registry (built once per input hash, then read from the cache). */
export function envoyApiRegistry(): FileRegistry {
  loaded ??= createFileRegistry(fromBinary(FileDescriptorSetSchema, envoyApiDescriptorSet()));
  return loaded;
}

function envoyApiDescriptorSet(): Uint8Array {
  const cacheFile = join(tmpdir(), `envoy-api-${inputsHash()}.binpb`);
  if (existsSync(cacheFile)) return readFileSync(cacheFile);

  const workDir = mkdtempSync(join(tmpdir(), 'envoy-api-build-'));
  try {
    for (const [prefix, dir] of ROOTS) {
      // envoy/ is copied, not linked, so that the patched files replace their originals.
      if (prefix === 'envoy') cpSync(dir, join(workDir, prefix), { recursive: true });
      else symlinkSync(dir, join(workDir, prefix));
    }
    for (const { file } of API_PATCHES) {
      const path = join(workDir, file);
      writeFileSync(path, patchedEnvoyApiFile(file, readFileSync(path, 'utf8')));
    }
    mkdirSync(join(workDir, 'validate'));
    writeFileSync(join(workDir, 'validate/validate.proto'), patchedValidateProto(readFileSync(VALIDATE_PROTO, 'utf8')));
    writeFileSync(join(workDir, 'buf.yaml'), 'version: v2\n');
    const out = join(workDir, 'envoy-api.binpb');
    const args = ['build', '--as-file-descriptor-set', '--exclude-source-info', '-o', out];
    for (const path of BUILD_PATHS) args.push('--path', path);
    for (const path of EXCLUDED_PATHS) args.push('--exclude-path', path);
    execFileSync(BUF, args, { cwd: workDir, stdio: ['ignore', 'ignore', 'pipe'] });
    // Rename into place: a concurrent run never reads a half-written cache file.
    const staged = `${cacheFile}.${process.pid}`;
    renameSync(out, staged);
    renameSync(staged, cacheFile);
    return readFileSync(cacheFile);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** A hash of every input of the build: the protos, the patch, the buf version and the build paths. */
function inputsHash(): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ BUILD_PATHS, EXCLUDED_PATHS, IGNORE_EMPTY_FIELD_NUMBERS }));
  for (const { patch } of API_PATCHES) hash.update(patch.toString());
  hash.update(readFileSync(join(REPO_ROOT, 'node_modules/@bufbuild/buf/package.json')));
  hash.update(readFileSync(VALIDATE_PROTO));
  for (const [prefix, dir] of ROOTS) {
    for (const file of protoFiles(dir)) {
      hash.update(`${prefix}/${relative(dir, file)}\0`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function protoFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...protoFiles(path));
    else if (entry.name.endsWith('.proto')) files.push(path);
  }
  return files.sort();
}
