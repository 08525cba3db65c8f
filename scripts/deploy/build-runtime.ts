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
 * Usage: node --import tsx scripts/deploy/build-runtime.ts <out-dir>   (run from the repo root)
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

export async function buildRuntime(outDir: string, repoRoot = REPO_ROOT): Promise<RuntimeBuild> {
  const out = resolve(outDir);
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
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node --import tsx scripts/deploy/build-runtime.ts <out-dir>');
    process.exit(2);
  }
  const result = await buildRuntime(outDir);
  console.log(`runtime tree in ${outDir}: ${result.modules.length} modules, ${result.assets.length} assets`);
}
