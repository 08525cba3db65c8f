import { execFile } from 'node:child_process';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { expect } from 'chai';
import { makefileRecipe, makefileTargets, makefileVariables, repoPath } from './support/deploy-facts.js';

const run = promisify(execFile);
const DEPLOY_SCRIPTS = ['deploy.sh', 'kind-cluster.sh', 'kind-secrets.sh', 'require-tools.sh', 'stage-envoy-files.sh'];

/** Run a command, resolving with its exit code and output instead of throwing. */
async function exec(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  try {
    const { stdout, stderr } = await run(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** A PATH holding only the named commands (symlinks to the machine's), so the rest are "not installed". */
function restrictedPath(commands: string[]): string {
  const bin = mkdtempSync(join(tmpdir(), 'deploy-path-'));
  for (const command of commands) {
    const found = (process.env.PATH ?? '')
      .split(':')
      .map((dir) => join(dir, command))
      .find((path) => existsSync(path));
    if (found) symlinkSync(found, join(bin, command));
  }
  return bin;
}

describe('make deploy and its companions (Makefile, scripts/deploy)', function () {
  this.timeout(120_000);

  it('make help lists deploy, undeploy, status, logs, image and kind-cluster, each with a description', async () => {
    const targets = makefileTargets();
    for (const target of ['deploy', 'undeploy', 'status', 'logs', 'image', 'kind-cluster']) {
      expect(targets.get(target), `${target}: ## description`).to.be.a('string').and.not.equal('');
    }
    const { stdout } = await exec('make', ['--no-print-directory', '-C', repoPath(), 'help']);
    const listed = stripVTControlCharacters(stdout)
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0]);
    for (const target of ['deploy', 'undeploy', 'status', 'logs', 'image', 'kind-cluster']) expect(listed, 'make help').to.include(target);
  });

  it('make image builds $(IMAGE):$(TAG); make deploy builds that image, loads it into kind, stages the Envoy files, applies the kind overlay and waits for every rollout', () => {
    expect(makefileRecipe('image').join('\n')).to.include('docker build -t $(IMAGE):$(TAG) .');
    expect(makefileRecipe('deploy').join('\n')).to.include('scripts/deploy/deploy.sh');
    expect(makefileRecipe('undeploy').join('\n')).to.include('kind delete cluster --name $(KIND_CLUSTER)');
    const script = readFileSync(repoPath('scripts/deploy/deploy.sh'), 'utf8');
    const steps = [
      'scripts/deploy/require-tools.sh docker kind kubectl',
      'scripts/deploy/kind-cluster.sh',
      'docker build -t "$IMAGE:$TAG" .',
      'kind load docker-image "$IMAGE:$TAG" --name "$KIND_CLUSTER"',
      'scripts/deploy/stage-envoy-files.sh',
      '  - ../overlays/kind',
      'kc apply -k k8s/.deploy',
      'rollout status statefulset/postgres',
      'init-service-databases.sh',
      'get deployments,statefulsets -o name',
      'http://localhost:8080',
    ];
    let at = -1;
    for (const step of steps) {
      const found = script.indexOf(step, at + 1);
      expect(found, `deploy.sh runs "${step}" after the previous step`).to.be.above(at);
      at = found;
    }
    const variables = makefileVariables();
    expect(variables.NAMESPACE).to.equal('game');
    expect(makefileRecipe('logs').join('\n')).to.include('app.kubernetes.io/name=$(SERVICE)');
    expect(makefileRecipe('status').join('\n')).to.match(/get pods,services,hpa/);
  });

  it('every deploy script is executable and parses (bash -n)', async () => {
    for (const name of DEPLOY_SCRIPTS) {
      const path = repoPath('scripts/deploy', name);
      accessSync(path, constants.X_OK);
      const { code, stderr } = await exec('bash', ['-n', path]);
      expect(code, `${name}: ${stderr}`).to.equal(0);
    }
    accessSync(repoPath('k8s/base/postgres/init-service-databases.sh'), constants.X_OK);
  });

  it('make deploy stops at once with a clear message naming docker, kind and kubectl when they are not installed', async () => {
    const bin = restrictedPath(['bash', 'env', 'dirname', 'make', 'node', 'npm', 'grep', 'cat']);
    try {
      const { code, stderr } = await exec('make', ['--no-print-directory', '-C', repoPath(), 'deploy'], {
        env: { PATH: bin, HOME: tmpdir() },
      });
      expect(code).to.not.equal(0);
      for (const tool of ['docker', 'kind', 'kubectl']) expect(stderr).to.include(`error: '${tool}' is not installed or not on PATH`);
      const status = await exec('make', ['--no-print-directory', '-C', repoPath(), 'status'], { env: { PATH: bin, HOME: tmpdir() } });
      expect(status.code).to.not.equal(0);
      expect(status.stderr).to.include("error: 'kubectl' is not installed or not on PATH");
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  describe('stage-envoy-files.sh (what make deploy runs before kustomize)', () => {
    let sandbox: string;

    beforeEach(() => {
      // A copy of what the script touches, so the work tree is left alone.
      sandbox = mkdtempSync(join(tmpdir(), 'stage-envoy-'));
      for (const path of ['proto', 'scripts/deploy', 'k8s/base/generated'])
        cpSync(repoPath(path), join(sandbox, path), { recursive: true });
      mkdirSync(join(sandbox, 'envoy'), { recursive: true });
      cpSync(repoPath('envoy/envoy.yaml'), join(sandbox, 'envoy/envoy.yaml'));
      symlinkSync(repoPath('node_modules'), join(sandbox, 'node_modules'), 'dir');
    });

    afterEach(() => {
      rmSync(sandbox, { recursive: true, force: true });
    });

    function writePackageJson(scripts: Record<string, string>) {
      const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8'));
      writeFileSync(join(sandbox, 'package.json'), JSON.stringify({ ...pkg, scripts }, null, 2));
    }

    it('copies envoy.yaml and the descriptor set from `npm run gen:envoy` into k8s/base/generated/', async () => {
      const scripts = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).scripts;
      expect(scripts['gen:envoy'], 'package.json has gen:envoy').to.be.a('string');
      writePackageJson({ 'gen:envoy': scripts['gen:envoy'] });
      const { code, stderr } = await exec('bash', [join(sandbox, 'scripts/deploy/stage-envoy-files.sh')], { cwd: sandbox });
      expect(code, stderr).to.equal(0);
      expect(readFileSync(join(sandbox, 'k8s/base/generated/envoy.yaml'), 'utf8')).to.equal(
        readFileSync(repoPath('envoy/envoy.yaml'), 'utf8'),
      );
      expect(
        readFileSync(join(sandbox, 'k8s/base/generated/descriptor-set.binpb')).equals(
          readFileSync(join(sandbox, 'envoy/descriptor-set.binpb')),
        ),
      ).to.equal(true);
      expect(readFileSync(join(sandbox, 'envoy/descriptor-set.binpb')).length).to.be.above(1000);
    });

    it('fails with a message naming the missing file when envoy/envoy.yaml does not exist', async () => {
      const scripts = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).scripts;
      writePackageJson({ 'gen:envoy': scripts['gen:envoy'] });
      rmSync(join(sandbox, 'envoy/envoy.yaml'));
      const { code, stderr } = await exec('bash', [join(sandbox, 'scripts/deploy/stage-envoy-files.sh')], { cwd: sandbox });
      expect(code).to.not.equal(0);
      expect(stderr).to.include('envoy/envoy.yaml is missing');
    });
  });

  it('what make deploy writes (k8s/.deploy, k8s/base/generated, the credentials in k8s/overlays/kind/secrets) stays out of git', () => {
    expect(readFileSync(repoPath('k8s/.gitignore'), 'utf8')).to.match(/^\.deploy\/$/m);
    expect(readFileSync(repoPath('k8s/.gitignore'), 'utf8')).to.match(/^overlays\/kind\/secrets\/$/m);
    const generatedIgnore = readFileSync(repoPath('k8s/base/generated/.gitignore'), 'utf8');
    expect(generatedIgnore).to.match(/^\*$/m);
    expect(generatedIgnore).to.match(/^!\.gitignore$/m);
  });
});
