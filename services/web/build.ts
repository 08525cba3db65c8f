/**
 * Builds the My Page web front end: `npm run build:web`. The output directory is what the
 * gateway serves (its staticDir) and what the web server behind Envoy serves (services/web/server):
 * index.html and styles.css at the top, the bundle under assets/. Everything is served by the
 * project itself; nothing is fetched from a CDN.
 *
 * Files under assets/ are named after a hash of their content (app-<hash>.js), and index.html is
 * written to load that name, so assets/ may be cached for good (services/platform/src/http/
 * static-files.ts answers them `immutable`) while index.html is revalidated on every load.
 *
 * A build into the usual place is skipped when nothing it read has changed since the last one
 * (`npm start` and `make up` build on every start): esbuild's metafile names every input, their
 * hashes are kept in node_modules/.cache/web-build.json, and the outputs must still be there.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';
import { WEB_DIST_DIR } from './web-dist.js';

const WEB_ROOT = fileURLToPath(new URL('.', import.meta.url));
const CACHE_FILE = join(WEB_ROOT, '..', '..', 'node_modules', '.cache', 'web-build.json');

/** Copied as they are; index.html is written with the bundle's hashed name instead. */
const PUBLIC_FILES = ['styles.css'];
/** What public/index.html loads; replaced by the bundle's content-hashed name. */
const BUNDLE_PLACEHOLDER = '/assets/app.js';

export interface WebBuildOptions {
  /** Default: services/web/dist. Emptied first. */
  readonly outDir?: string;
  /** Default true; false keeps the bundle readable. */
  readonly minify?: boolean;
  /** Skip the build when its inputs are unchanged (default: only for the usual outDir). */
  readonly reuse?: boolean;
}

/** What the last build into the usual place read and wrote. */
interface BuildRecord {
  readonly key: string;
  /** Absolute path -> sha256 of every file the build read. */
  readonly inputs: Record<string, string>;
  /** Files written, relative to outDir. */
  readonly outputs: readonly string[];
}

export async function buildWeb(options: WebBuildOptions = {}): Promise<string> {
  const outDir = resolve(options.outDir ?? WEB_DIST_DIR);
  const minify = options.minify ?? true;
  const reuse = options.reuse ?? outDir === resolve(WEB_DIST_DIR);
  // The build's settings are part of what it read: this file, its options, esbuild's version.
  const key = `${await hashOf(fileURLToPath(import.meta.url))}:${outDir}:${minify}:${esbuildVersion}`;
  if (reuse && (await upToDate(key, outDir))) return outDir;
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { app: join(WEB_ROOT, 'src', 'main.tsx') },
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    metafile: true,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  const bundle = Object.keys(result.metafile.outputs).find((output) => output.endsWith('.js'));
  if (!bundle) throw new Error('esbuild wrote no JavaScript bundle');
  const bundleUrl = `/${relative(outDir, bundle).split(/[\\/]/).join('/')}`;
  const html = await readFile(join(WEB_ROOT, 'public', 'index.html'), 'utf8');
  if (!html.includes(`"${BUNDLE_PLACEHOLDER}"`))
    throw new Error(`public/index.html must load "${BUNDLE_PLACEHOLDER}" (replaced by the hashed bundle)`);
  await writeFile(join(outDir, 'index.html'), html.replace(`"${BUNDLE_PLACEHOLDER}"`, `"${bundleUrl}"`));
  for (const file of PUBLIC_FILES) await copyFile(join(WEB_ROOT, 'public', file), join(outDir, file));
  if (reuse) {
    const read = [
      ...Object.keys(result.metafile.inputs).map((input) => resolve(input)),
      ...['index.html', ...PUBLIC_FILES].map((file) => join(WEB_ROOT, 'public', file)),
    ];
    const inputs = Object.fromEntries(await Promise.all(read.map(async (file) => [file, await hashOf(file)] as const)));
    const outputs = [
      ...Object.keys(result.metafile.outputs).map((output) => relative(outDir, resolve(output))),
      'index.html',
      ...PUBLIC_FILES,
    ];
    await mkdir(dirname(CACHE_FILE), { recursive: true });
    await writeFile(CACHE_FILE, JSON.stringify({ key, inputs, outputs } satisfies BuildRecord));
  }
  return outDir;
}

async function hashOf(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** Whether the last build had these settings, read exactly these contents, and its outputs are all there. */
async function upToDate(key: string, outDir: string): Promise<boolean> {
  try {
    const record = JSON.parse(await readFile(CACHE_FILE, 'utf8')) as BuildRecord;
    if (record.key !== key) return false;
    const hashes = await Promise.all(Object.entries(record.inputs).map(async ([file, hash]) => (await hashOf(file)) === hash));
    const present = await Promise.all(record.outputs.map((file) => stat(join(outDir, file)).then((s) => s.isFile())));
    return hashes.every(Boolean) && present.every(Boolean);
  } catch {
    return false; // no record, or a file gone: build
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = await buildWeb();
  console.log(`web page built into ${outDir} (or found up to date)`);
}
