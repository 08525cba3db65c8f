import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/**
 * The package edges docs/development.md states, checked over the whole tree: shared code is
 * imported by name (#platform, #contracts, #testing), never by climbing into it, and a domain
 * folder imports no transport, ORM or broker.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PACKAGES = { '#platform': 'services/platform/src', '#contracts': 'services/contracts', '#testing': 'test/support' };
const SKIPPED = new Set(['node_modules', 'generated', 'dist']);

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourcesUnder(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((match) => match[1]);
}

const FILES = ['services', 'test', 'bench', 'scripts'].flatMap(sourcesUnder);

describe('package edges (docs/development.md)', () => {
  it('no relative import reaches into platform, contracts or test/support from outside them', () => {
    const climbs: string[] = [];
    for (const file of FILES) {
      for (const specifier of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const target = relative(ROOT, resolve(ROOT, dirname(file), specifier));
        for (const [alias, dir] of Object.entries(PACKAGES)) {
          if (target.startsWith(`${dir}/`) && !file.startsWith(`${dir}/`)) climbs.push(`${file}: '${specifier}' (use ${alias}/...)`);
        }
      }
    }
    expect(FILES.length).to.be.greaterThan(300);
    expect(climbs).to.deep.equal([]);
  });

  it('#testing is imported by tests and benchmarks only', () => {
    const users = FILES.filter((file) => importsOf(readFileSync(join(ROOT, file), 'utf8')).some((s) => s.startsWith('#testing/')));
    expect(users.length).to.be.greaterThan(50);
    expect(users.filter((file) => !/^(test|bench)\//.test(file))).to.deep.equal([]);
  });

  it('a service domain imports no transport, ORM, broker or platform adapter', () => {
    const domains = FILES.filter((file) => /^services\/[^/]+\/src\/domain\//.test(file));
    expect(domains.length).to.be.greaterThan(20);
    const offending = domains.flatMap((file) =>
      importsOf(readFileSync(join(ROOT, file), 'utf8'))
        .filter((s) =>
          /^(@grpc|amqplib|drizzle-orm|postgres|@electric-sql|#contracts\/generated|#platform\/(db|bus|grpc|inbox|outbox))/.test(s),
        )
        .map((s) => `${file}: ${s}`),
    );
    expect(offending).to.deep.equal([]);
  });
});
