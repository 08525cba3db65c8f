/**
 * Builds the tree the container runs: every TypeScript file under services/ transpiled to
 * JavaScript at the same relative path (services/mission/src/main.ts -> services/mission/src/main.js),
 * every other file under services/ (migrations, the generated descriptor set) copied beside it,
 * and package.json (its "type": "module" makes the .js files ES modules; its imports map is rewritten to them).
 *
 * Why compile instead of running `node --import tsx` in the pod: nothing is transformed at start
 * (faster cold starts, which matters for scale-out and the startup probe), no compile cache has to
 * be written (the root filesystem is read-only), and no esbuild child process sits in every pod's
 * memory limit. The transform is the one tsx applies in tests and `npm start`: the same esbuild,
 * one file at a time, with the project's tsconfig. Paths relative to a module
 * (`new URL('../migrations', import.meta.url)`) keep working because the layout is unchanged.
 *
 * The operations scripts that run as Kubernetes Jobs (OPERATIONS_SCRIPTS) are transpiled the same
 * way, at their paths under scripts/.
 *
 * `make up` and `npm start` run this tree on the machine too (dist/runtime): with --if-stale the
 * build is skipped unless a file under services/ (or those scripts, package.json, tsconfig.json, this one)
 * changed, or a file or directory was added or removed, since the last build finished.
 *
 * Usage: node --import tsx scripts/deploy/build-runtime.ts <out-dir> [--if-stale]   (run from the repo root)
 */
import { copyFile, mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? listFiles(path) : Promise.resolve(entry.isFile() ? [path] : []);
    }),
  );
  return nested.flat();
}

/** Scripts a Job runs from the image (k8s/base/jobs): they import from services/ only. */
export const OPERATIONS_SCRIPTS = ['scripts/rebuild-mypage.ts'] as const;

export interface RuntimeBuild {
  /** Transpiled modules, relative to the output directory. */
  readonly modules: readonly string[];
  /** Files copied as they are (migrations, descriptor sets, ...), relative to the output directory. */
  readonly assets: readonly string[];
}

/** Written into the out dir when a build finished: its mtime is the build's. */
const STAMP = '.built';
/** What the web build writes under services/: not an input of this build (the image copies it, the machine serves it from the sources). */
const NOT_INPUTS = [join('services', 'web', 'dist')];

/** Whether anything the build reads is newer than its last finished build (directories too: their mtime moves when an entry is added or removed). */
export async function runtimeIsStale(outDir: string, repoRoot = REPO_ROOT): Promise<boolean> {
  const built = await stat(join(resolve(outDir), STAMP)).then(
    (stamp) => stamp.mtimeMs,
    () => undefined,
  );
  if (built === undefined) return true;
  const newer = async (path: string): Promise<boolean> => {
    if (NOT_INPUTS.includes(relative(repoRoot, path))) return false;
    const info = await stat(path);
    if (info.mtimeMs > built) return true;
    if (!info.isDirectory()) return false;
    const entries = await readdir(path);
    return (await Promise.all(entries.map((entry) => newer(join(path, entry))))).some(Boolean);
  };
  const inputs = ['services', ...OPERATIONS_SCRIPTS, 'package.json', 'tsconfig.json', relative(repoRoot, fileURLToPath(import.meta.url))];
  return (await Promise.all(inputs.map((input) => newer(join(repoRoot, input))))).some(Boolean);
}

export async function buildRuntime(outDir: string, repoRoot = REPO_ROOT): Promise<RuntimeBuild> {
  const out = resolve(outDir);
  // The stamp carries the time the build began: a file changed meanwhile is newer, so built again next time.
  const startedAt = new Date();
  await rm(join(out, 'services'), { recursive: true, force: true });
  await rm(join(out, 'scripts'), { recursive: true, force: true });
  const files = await listFiles(join(repoRoot, 'services'));
  const sources = [
    ...files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
    ...OPERATIONS_SCRIPTS.map((script) => join(repoRoot, script)),
  ];
  const assets = files.filter((file) => !file.endsWith('.ts'));

  await build({
    entryPoints: sources,
    outdir: out,
    outbase: repoRoot,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    tsconfig: join(repoRoot, 'tsconfig.json'),
    logLevel: 'warning',
  });
  for (const asset of assets) {
    const target = join(out, relative(repoRoot, asset));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(asset, target);
  }
  await writeRuntimePackageJson(join(repoRoot, 'package.json'), join(out, 'package.json'));
  await writeFile(join(out, STAMP), `${startedAt.toISOString()}\n`);
  await utimes(join(out, STAMP), startedAt, startedAt);
  return {
    modules: sources.map((file) => relative(repoRoot, file).replace(/\.ts$/, '.js')),
    assets: assets.map((file) => relative(repoRoot, file)),
  };
}

/**
 * package.json as the runtime tree needs it: its subpath imports (`#platform/*`, `#contracts/*`)
 * name the compiled .js files instead of the .ts sources, and those into test/ (not in the
 * image) are left out.
 */
async function writeRuntimePackageJson(source: string, target: string): Promise<void> {
  const manifest = JSON.parse(await readFile(source, 'utf8')) as { imports?: Record<string, string> };
  const imports = Object.entries(manifest.imports ?? {})
    .filter(([, path]) => path.startsWith('./services/'))
    .map(([alias, path]) => [alias, path.replace(/\.ts$/, '.js')]);
  await writeFile(target, `${JSON.stringify({ ...manifest, imports: Object.fromEntries(imports) }, null, 2)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outDir, flag] = process.argv.slice(2);
  if (!outDir || (flag !== undefined && flag !== '--if-stale')) {
    console.error('usage: node --import tsx scripts/deploy/build-runtime.ts <out-dir> [--if-stale]');
    process.exit(2);
  }
  if (flag === '--if-stale') {
    // Silent: it runs before every `npm start` and `make up`, whose output is the platform's.
    if (await runtimeIsStale(outDir)) await buildRuntime(outDir);
  } else {
    const result = await buildRuntime(outDir);
    console.log(`runtime tree in ${outDir}: ${result.modules.length} modules, ${result.assets.length} assets`);
  }
}
