/**
 * Builds the My Page web front end: `npm run build:web`. The output directory is what the
 * gateway serves (its staticDir): index.html and styles.css at the top, the bundle under
 * assets/. Everything is served by the project itself; nothing is fetched from a CDN.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WEB_DIST_DIR } from './web-dist.js';

const WEB_ROOT = fileURLToPath(new URL('.', import.meta.url));

const PUBLIC_FILES = ['index.html', 'styles.css'];

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
  await build({
    entryPoints: [join(WEB_ROOT, 'src', 'main.tsx')],
    outfile: join(outDir, 'assets', 'app.js'),
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
  for (const file of PUBLIC_FILES) await copyFile(join(WEB_ROOT, 'public', file), join(outDir, file));
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = await buildWeb();
  console.log(`web page built into ${outDir}`);
}
