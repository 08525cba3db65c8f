import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StartupError } from '#platform/runtime/startup-error';

/** The tree the launcher runs from: the sources, or the compiled tree (<repo>/dist/runtime, scripts/deploy/build-runtime.ts). */
export const TREE = fileURLToPath(new URL('../../..', import.meta.url));
/** Whether this is the compiled tree (`make up`, `npm start`) rather than the sources through tsx. */
export const COMPILED = import.meta.url.endsWith('.js');
/** The repository: where the sources, the state of `make up` and the web page's build live. */
export const REPO_ROOT = COMPILED ? resolve(TREE, '..', '..') : TREE;
/** Where the web build puts My Page in the repository (services/web/web-dist.ts, in the sources). */
export const SOURCE_WEB_DIST_DIR = join(REPO_ROOT, 'services', 'web', 'dist');

/**
 * Builds My Page from the sources (services/web/build.ts, which skips the work when its inputs
 * are unchanged) into SOURCE_WEB_DIST_DIR, in a process of its own: what the bundler allocates
 * leaves with it instead of staying in a long-lived process's heap.
 */
export async function buildWebPage(stdout: 'inherit' | 'ignore' = 'ignore'): Promise<string> {
  const build = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services', 'web', 'build.ts')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', stdout, 'inherit'],
  });
  const [code] = (await once(build, 'exit')) as [number | null];
  if (code !== 0)
    throw new StartupError(
      `building the web page failed (exit ${code}; the reason is above): fix it, or run npm run build:web to see it again`,
    );
  return SOURCE_WEB_DIST_DIR;
}
