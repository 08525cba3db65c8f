import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * A new in-memory PGlite, started from a snapshot of a freshly initialised one when there is
 * one: PGlite runs initdb in WebAssembly on every fresh start, the bulk of its seconds (21 s
 * against 3.5 s from a snapshot on a loaded 2-core machine, docs/performance.md). The snapshot
 * is an empty cluster, taken right after the first fresh start of this PGlite version and kept
 * in node_modules/.cache; every schema is still created by the services' own migrations. A
 * snapshot that cannot be read or loaded is ignored (a fresh start, and a new snapshot), and one
 * that cannot be written (a read-only file system) is simply not kept.
 */
export async function createInMemoryPglite(): Promise<PGlite> {
  const snapshot = snapshotPath();
  const saved = snapshot ? await readFile(snapshot).catch(() => undefined) : undefined;
  if (saved) {
    try {
      return await PGlite.create('memory://', { loadDataDir: new Blob([saved]) });
    } catch {
      /* unreadable or from another build: start fresh below */
    }
  }
  const fresh = await PGlite.create('memory://');
  if (snapshot) await keep(fresh, snapshot).catch(() => {});
  return fresh;
}

async function keep(instance: PGlite, path: string): Promise<void> {
  const dump = Buffer.from(await (await instance.dumpDataDir('gzip')).arrayBuffer());
  await mkdir(dirname(path), { recursive: true });
  // Whole or not at all: another process may be reading it, or writing its own.
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, dump);
  await rename(partial, path);
}

/** node_modules/.cache/pglite-<version>.tar.gz beside the installed PGlite; undefined if that cannot be found. */
function snapshotPath(): string | undefined {
  try {
    const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
    const at = entry.lastIndexOf('/node_modules/');
    if (at < 0) return undefined;
    const nodeModules = entry.slice(0, at + '/node_modules'.length);
    const manifest = readFileSync(join(nodeModules, '@electric-sql', 'pglite', 'package.json'), 'utf8');
    const { version } = JSON.parse(manifest) as { version: string };
    return join(nodeModules, '.cache', `pglite-${version}.tar.gz`);
  } catch {
    return undefined;
  }
}
