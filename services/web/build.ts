/**
 * Builds the My Page web front end: `npm run build:web`. The output directory is what the
 * gateway serves (its staticDir) and what the web server behind Envoy serves (services/web/server):
 * index.html and styles.css at the top, the bundle under assets/. Everything is served by the
 * project itself; nothing is fetched from a CDN.
 *
 * Files under assets/ are named after a hash of their content (app-<hash>.js), and index.html is
 * written to load that name, so assets/ may be cached for good (services/platform/src/http/
 * static-files.ts answers them `immutable`) while index.html is revalidated on every load.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WEB_DIST_DIR } from './web-dist.js';

const WEB_ROOT = fileURLToPath(new URL('.', import.meta.url));

/** Copied as they are; index.html is written with the bundle's hashed name instead. */
const PUBLIC_FILES = ['styles.css'];
/** What public/index.html loads; replaced by the bundle's content-hashed name. */
const BUNDLE_PLACEHOLDER = '/assets/app.js';

export interface WebBuildOptions {
  /** Default: services/web/dist. Emptied first. */
  readonly outDir?: string;
  /** Default true; false keeps the bundle readable. */
  readonly minify?: boolean;
}

export async function buildWeb(options: WebBuildOptions = {}): Promise<string> {
  const outDir = options.outDir ?? WEB_DIST_DIR;
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
    minify: options.minify ?? true,
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
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = await buildWeb();
  console.log(`web page built into ${outDir}`);
}
