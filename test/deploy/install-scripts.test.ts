import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * npm (11.19 here) runs a dependency's install scripts only when package.json's allowScripts
 * covers it, and otherwise warns on every install. Every package with one is decided: the
 * binaries the build needs (esbuild for the web bundle and tsx, buf for code generation) are
 * allowed; protobufjs's postinstall only prints a version-scheme hint and is denied.
 */
describe('install scripts (package.json allowScripts)', function () {
  this.timeout(60_000);

  it('npm install-scripts ls finds no package whose install script is not decided', async () => {
    const { stdout } = await promisify(execFile)('npm', ['install-scripts', 'ls'], { cwd: ROOT });
    expect(stdout).to.include('No packages with unreviewed install scripts');
  });

  it('allows the scripts that must run (esbuild, @bufbuild/buf) and denies only the one that prints a hint', () => {
    const allowScripts = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).allowScripts;
    expect(allowScripts).to.deep.equal({ '@bufbuild/buf': true, esbuild: true, protobufjs: false });
  });
});
