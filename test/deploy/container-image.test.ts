import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { expect } from 'chai';
import postgres from 'postgres';
import { HealthCheckResponse_ServingStatus, HealthClient } from '#contracts/generated/grpc/health/v1/health';
import { readAuthConfig } from '#platform/auth/auth-config';
import { createLogger } from '#platform/logging/logger';
import { call, insecure } from '#testing/grpc-call';
import { TEST_AMQP_URL, TEST_DATABASE_URL } from '#testing/test-system';
import { buildRuntime } from '../../scripts/deploy/build-runtime.js';
import { WEB_APP } from '../../scripts/deploy/render-service-manifests.js';
import { type PlatformIdentity, platformIdentity } from '../../services/identity/src/platform-identity.js';
import { buildWeb } from '../../services/web/build.js';
import type { Manifest } from './support/deploy-facts.js';
import {
  buildManifests,
  containerEnvironment,
  copyInstruction,
  type DockerStage,
  dockerignored,
  dockerStages,
  find,
  isFile,
  repoPath,
} from './support/deploy-facts.js';

const run = promisify(execFile);

/**
 * The image, checked without Docker: the Dockerfile's structure and what it copies, and the
 * compiled tree its build stage produces (scripts/deploy/build-runtime.ts, the very step the
 * Dockerfile runs), started the way the Deployments start it.
 */
describe('container image (Dockerfile, .dockerignore, the compiled runtime tree)', () => {
  let stages: DockerStage[];
  let kind: Manifest[];

  before(() => {
    stages = dockerStages();
    ({ kind } = buildManifests());
  });

  const appDeployments = () =>
    kind.filter((manifest) => manifest.kind === 'Deployment' && manifest.metadata.labels?.['app.kubernetes.io/component'] === 'service');

  it('has the stages deps, build, prod-deps and runtime; the runtime is a tag-pinned slim Node 20 image running as uid 10001 with production dependencies only', () => {
    expect(stages.map((stage) => stage.name)).to.deep.equal(['deps', 'build', 'prod-deps', 'runtime']);
    const runtime = stages[stages.length - 1];
    expect(runtime.image).to.match(/^node:20\.\d+\.\d+-bookworm-slim$/);
    const user = runtime.instructions.filter((instruction) => instruction.keyword === 'USER').pop();
    expect(user?.args).to.equal('10001:10001');
    const prodDeps = stages.find((stage) => stage.name === 'prod-deps') as DockerStage;
    expect(
      prodDeps.instructions.some((instruction) => instruction.keyword === 'RUN' && /npm ci --omit=dev/.test(instruction.args)),
    ).to.equal(true);
    const deps = stages.find((stage) => stage.name === 'deps') as DockerStage;
    // npm ci's `prepare` script generates the code from proto/, so proto/ must be there first.
    const order = deps.instructions.map((instruction) => `${instruction.keyword} ${instruction.args}`);
    expect(order.findIndex((line) => line.startsWith('COPY proto'))).to.be.below(order.findIndex((line) => /RUN .*npm ci$/.test(line)));
    expect(JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).scripts.prepare).to.match(/npm run gen/);
    const runtimeUid = find(kind, 'Deployment', 'mission').spec.template.spec.securityContext.runAsUser;
    expect(user?.args.split(':')[0]).to.equal(String(runtimeUid));
  });

  it('the build stage bundles the web front end (npm run build:web) before it compiles the tree, so the runtime image carries services/web/dist', () => {
    const build = stages.find((stage) => stage.name === 'build') as DockerStage;
    const runs = build.instructions.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args);
    const bundles = runs.findIndex((args) => /\bnpm run build:web\b/.test(args));
    const compiles = runs.findIndex((args) => args.includes('scripts/deploy/build-runtime.ts'));
    expect(bundles, 'RUN npm run build:web in the build stage').to.be.at.least(0);
    expect(bundles, 'before build-runtime.ts, which copies every non-TypeScript file under services/').to.be.below(compiles);
    expect(JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).scripts['build:web']).to.include('services/web/build.ts');
  });

  it('every file and directory the Dockerfile copies from the build context exists and is not excluded by .dockerignore', () => {
    const copies = stages.flatMap((stage) =>
      stage.instructions.filter((instruction) => instruction.keyword === 'COPY').map(copyInstruction),
    );
    const fromContext = copies.filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources);
    expect(fromContext).to.include.members(['package.json', 'package-lock.json', 'proto', 'tsconfig.json', 'services', 'scripts/deploy']);
    for (const source of fromContext) {
      let exists = false;
      try {
        statSync(repoPath(source));
        exists = true;
      } catch {
        exists = false;
      }
      expect(exists, `${source} exists`).to.equal(true);
      expect(dockerignored(source), `${source} is not excluded by .dockerignore`).to.equal(false);
    }
    expect(isFile(repoPath('scripts/deploy/build-runtime.ts')), 'the build stage runs scripts/deploy/build-runtime.ts').to.equal(true);
  });

  it("the deps stage's code generation (npm ci runs the prepare script) succeeds with only what the stage has copied and created", async () => {
    const deps = stages.find((stage) => stage.name === 'deps') as DockerStage;
    const sandbox = mkdtempSync(join(tmpdir(), 'deps-stage-'));
    try {
      let ranNpmCi = false;
      for (const instruction of deps.instructions) {
        if (instruction.keyword === 'COPY') {
          const copy = copyInstruction(instruction);
          // Docker: a directory's contents go to the destination; files go into it when it is a
          // directory (several sources, or a trailing slash), else become it.
          const intoDirectory = copy.sources.length > 1 || copy.destination.endsWith('/');
          for (const source of copy.sources) {
            const isDirectory = statSync(repoPath(source)).isDirectory();
            const target =
              isDirectory || !intoDirectory ? join(sandbox, copy.destination) : join(sandbox, copy.destination, basename(source));
            cpSync(repoPath(source), target, { recursive: true });
          }
        } else if (instruction.keyword === 'RUN' && /\bnpm ci\b/.test(instruction.args)) {
          // npm ci = the locked dependencies (this machine's node_modules) + the prepare script.
          symlinkSync(repoPath('node_modules'), join(sandbox, 'node_modules'), 'dir');
          await run('npm', ['run', '-s', 'prepare'], { cwd: sandbox });
          ranNpmCi = true;
          break;
        } else if (instruction.keyword === 'RUN') {
          await run('bash', ['-c', instruction.args], { cwd: sandbox });
        }
      }
      expect(ranNpmCi, 'the deps stage runs npm ci').to.equal(true);
      expect(isFile(join(sandbox, 'services/contracts/generated/descriptor-set.binpb')), 'generated descriptor set').to.equal(true);
      expect(isFile(join(sandbox, 'services/contracts/generated/game/mission/v1/mission_service.ts')), 'generated TypeScript').to.equal(
        true,
      );
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  });

  it('every COPY --from names an earlier stage and a path that stage produces', () => {
    stages.forEach((stage, index) => {
      for (const copy of stage.instructions.filter((instruction) => instruction.keyword === 'COPY').map(copyInstruction)) {
        if (copy.from === undefined) continue;
        const source = stages.slice(0, index).find((candidate) => candidate.name === copy.from);
        expect(source, `stage ${copy.from} before ${stage.name}`).to.not.equal(undefined);
        const runs = (source as DockerStage).instructions
          .filter((instruction) => instruction.keyword === 'RUN')
          .map((instruction) => instruction.args);
        const workdir = (source as DockerStage).instructions.filter((instruction) => instruction.keyword === 'WORKDIR').pop()?.args;
        for (const path of copy.sources) {
          const clean = path.replace(/\/$/, '');
          const produced =
            runs.some((args) => args.split(/\s+/).includes(clean)) ||
            ((clean === `${workdir}/node_modules` || clean.startsWith(`${workdir}/node_modules/`)) &&
              runs.some((args) => /npm ci/.test(args)));
          expect(produced, `${copy.from} produces ${path}`).to.equal(true);
        }
      }
    });
  });

  it('.dockerignore keeps node_modules, .git, test artifacts, .data and generated code out of the build context', () => {
    for (const path of [
      'node_modules',
      'services/mission/node_modules',
      '.git',
      'test-artifacts',
      '.data',
      'services/contracts/generated',
      'services/web/dist',
      'envoy/descriptor-set.binpb',
      'k8s',
      'test',
    ]) {
      expect(dockerignored(path), path).to.equal(true);
    }
    for (const path of [
      'services/mission/src/main.ts',
      'services/mission/migrations/0000_init.sql',
      'services/web/public/index.html',
      'services/web/src/main.tsx',
      'proto/buf.yaml',
      'scripts/deploy/build-runtime.ts',
    ]) {
      expect(dockerignored(path), path).to.equal(false);
    }
  });

  describe('the compiled runtime tree', function () {
    this.timeout(120_000);
    let runtimeDir: string;
    // The services verify tokens at the issuer the cluster's auth-config names; here, a development
    // provider of their own stands in for the cluster's identity Deployment.
    let identity: PlatformIdentity;

    before(async () => {
      identity = await platformIdentity(readAuthConfig({}), createLogger({ level: 'silent' }), {
        port: 0,
        host: '127.0.0.1',
        issuerHost: '127.0.0.1',
      });
      runtimeDir = mkdtempSync(join(tmpdir(), 'runtime-tree-'));
      await buildRuntime(runtimeDir);
      // The build stage bundles the front end into services/web/dist before build-runtime.ts copies
      // it into the tree; here it goes straight into the tree, leaving the work tree alone.
      await buildWeb({ outDir: join(runtimeDir, 'services/web/dist') });
      // The image's layout: package.json and services/ from the build, node_modules beside them.
      symlinkSync(repoPath('node_modules'), join(runtimeDir, 'node_modules'), 'dir');
    });

    after(async () => {
      rmSync(runtimeDir, { recursive: true, force: true });
      await identity?.stop();
    });

    it("turns every Deployment's start command into a module and carries each service's migrations and the descriptor set beside it", () => {
      expect(JSON.parse(readFileSync(join(runtimeDir, 'package.json'), 'utf8')).type).to.equal('module');
      expect(isFile(join(runtimeDir, 'services/contracts/generated/descriptor-set.binpb')), 'descriptor set').to.equal(true);
      const [, , webMain] = find(kind, 'Deployment', WEB_APP).spec.template.spec.containers[0].command as string[];
      expect(isFile(join(runtimeDir, webMain)), `${webMain} in the runtime tree`).to.equal(true);
      // The Job template's command (k8s/base/jobs): the rebuild script, compiled beside services/.
      const [, , rebuildMain] = find(kind, 'CronJob', 'mypage-rebuild').spec.jobTemplate.spec.template.spec.containers[0]
        .command as string[];
      expect(isFile(join(runtimeDir, rebuildMain)), `${rebuildMain} in the runtime tree`).to.equal(true);
      for (const deployment of appDeployments()) {
        const [, , main] = deployment.spec.template.spec.containers[0].command as string[];
        expect(isFile(join(runtimeDir, main)), `${main} in the runtime tree`).to.equal(true);
        const service = deployment.metadata.name;
        const migrations = repoPath('services', service, 'migrations');
        let sourceMigrations: string[] = [];
        try {
          sourceMigrations = readdirSync(migrations).filter((file) => file.endsWith('.sql'));
        } catch {
          sourceMigrations = [];
        }
        for (const file of sourceMigrations)
          expect(isFile(join(runtimeDir, 'services', service, 'migrations', file)), `${service} migration ${file}`).to.equal(true);
      }
    });

    it("compiled services start with their ConfigMap's settings under their own Postgres role and database (created by the init script), connect to RabbitMQ, report SERVING within their memory request, write nothing into the tree and exit 0 on SIGTERM", async () => {
      const id = `dt${randomBytes(3).toString('hex')}`;
      const services = appDeployments().map((deployment) => deployment.metadata.name);
      const names = Object.fromEntries(services.map((service) => [service, `${id}_${service}`]));
      const passwords = Object.fromEntries(services.map((service) => [service, randomBytes(9).toString('hex')]));
      const exchange = `test.${id}.events`;
      const queuePrefix = `test.${id}`;
      const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      const processes: ChildProcess[] = [];
      const clients: HealthClient[] = [];
      try {
        // The init script exactly as the Postgres pod runs it, twice (make deploy re-runs it).
        const adminUrl = new URL(TEST_DATABASE_URL);
        const initEnv = {
          PATH: process.env.PATH,
          PGHOST: adminUrl.hostname,
          PGPORT: adminUrl.port || '5432',
          POSTGRES_USER: decodeURIComponent(adminUrl.username) || 'postgres',
          SERVICE_DATABASES: Object.values(names).join(' '),
          ...Object.fromEntries(services.map((service) => [`${names[service].toUpperCase()}_DB_PASSWORD`, passwords[service]])),
        };
        for (let round = 0; round < 2; round += 1) {
          await run('bash', [repoPath('k8s/base/postgres/init-service-databases.sh')], { env: initEnv });
        }
        const roles = await admin<{ rolname: string; rolsuper: boolean; rolcreatedb: boolean }[]>`
          select rolname, rolsuper, rolcreatedb from pg_roles where rolname like ${`${id}_%`} order by rolname`;
        expect(roles.map((role) => role.rolname)).to.deep.equal(Object.values(names).sort());
        expect(
          roles.every((role) => !role.rolsuper && !role.rolcreatedb),
          'roles are neither superusers nor database creators',
        ).to.equal(true);
        const owners = await admin<{ datname: string; owner: string }[]>`
          select datname, pg_get_userbyid(datdba) as owner from pg_database where datname like ${`${id}_%`}`;
        for (const owner of owners) expect(owner.owner, owner.datname).to.equal(owner.datname);

        const before = snapshot(runtimeDir);
        const started = await Promise.all(
          services.map(async (service) => {
            const configMap = containerEnvironment(
              kind.filter((manifest) => manifest.kind === 'ConfigMap'),
              find(kind, 'Deployment', service).spec.template.spec.containers[0],
            );
            const url = new URL(TEST_DATABASE_URL);
            url.username = names[service];
            url.password = passwords[service];
            url.pathname = `/${names[service]}`;
            const scratch = mkdtempSync(join(tmpdir(), `${service}-tmp-`));
            const child = spawn(process.execPath, ['--enable-source-maps', `services/${service}/src/main.js`], {
              cwd: runtimeDir,
              env: {
                ...configMap,
                PATH: process.env.PATH,
                NODE_ENV: 'production',
                TMPDIR: scratch,
                DATABASE_URL: url.toString(),
                AMQP_URL: TEST_AMQP_URL,
                EVENTS_EXCHANGE: exchange,
                EVENTS_QUEUE_PREFIX: queuePrefix,
                [`${service.toUpperCase()}_GRPC_PORT`]: '0',
                GRPC_HOST: '127.0.0.1',
                // Each pod has its own network namespace; processes side by side need their own port.
                METRICS_PORT: '0',
                AUTH_ISSUER: identity.auth.issuer,
              },
              stdio: ['ignore', 'pipe', 'pipe'],
            });
            processes.push(child);
            const port = await readyPort(child, service);
            return { service, child, port, scratch };
          }),
        );
        for (const { service, port } of started) {
          const client = new HealthClient(`127.0.0.1:${port}`, insecure());
          clients.push(client);
          const answer = await call(client, client.check, { service: '' });
          expect(answer.status, `${service} health`).to.equal(HealthCheckResponse_ServingStatus.SERVING);
        }
        for (const { service, child } of started) {
          const request = find(kind, 'Deployment', service).spec.template.spec.containers[0].resources.requests.memory as string;
          expect(residentBytes(child.pid as number), `${service} resident memory when ready`).to.be.below(quantityBytes(request));
        }
        const exits = await Promise.all(
          started.map(
            ({ child }) =>
              new Promise<number | null>((resolve) => {
                child.once('exit', (code) => resolve(code));
                child.kill('SIGTERM');
              }),
          ),
        );
        expect(exits, 'exit codes after SIGTERM').to.deep.equal(started.map(() => 0));
        expect(snapshot(runtimeDir), 'files in the runtime tree').to.deep.equal(before);
        for (const { scratch } of started) rmSync(scratch, { recursive: true, force: true });
      } finally {
        for (const client of clients) client.close();
        for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
        for (const name of Object.values(names)) {
          await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
          await admin.unsafe(`drop role if exists "${name}"`).catch(() => {});
        }
        await admin.end();
        await dropBrokerResources(exchange, queuePrefix, services);
      }
    });

    it("the rebuild Job's compiled script loads in the tree as the Job runs it and goes for mypage: unreachable here, it says so and exits 1", async () => {
      const job = find(kind, 'CronJob', 'mypage-rebuild').spec.jobTemplate.spec.template.spec.containers[0];
      const [node, ...args] = job.command as string[];
      expect(node).to.equal('node');
      const failed = await run(process.execPath, args, {
        cwd: runtimeDir,
        env: { PATH: process.env.PATH, REBUILD_TOKEN: 'not-checked-here', MYPAGE_ADDRESS: '127.0.0.1:1', REBUILD_STALL_MS: '1000' },
        timeout: 60_000,
      }).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failed?.code, 'exit code').to.equal(1);
      expect(failed?.stderr).to.match(/rebuild failed: 14 UNAVAILABLE/);
    });

    it('the compiled web front end starts as its Deployment starts it, with its ConfigMap: /healthz, the page and its hashed bundle with their cache headers, within its memory request, writing nothing, exit 0 on SIGTERM', async () => {
      const web = find(kind, 'Deployment', WEB_APP).spec.template.spec.containers[0];
      const configMap = containerEnvironment(
        kind.filter((manifest) => manifest.kind === 'ConfigMap'),
        web,
      );
      const before = snapshot(runtimeDir);
      const [node, ...args] = web.command as string[];
      expect(node).to.equal('node');
      const child = spawn(process.execPath, args, {
        cwd: runtimeDir,
        // No WEB_DIST_DIR: the default is services/web/dist beside the compiled code, as in the image.
        env: { ...configMap, PATH: process.env.PATH, NODE_ENV: 'production', WEB_PORT: '0', WEB_HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        const port = await readyPort(child, WEB_APP, 'web ready');
        const base = `http://127.0.0.1:${port}`;
        const health = await fetch(`${base}${web.readinessProbe.httpGet.path}`);
        expect([health.status, await health.text()], 'readiness probe').to.deep.equal([200, 'ok']);
        const page = await fetch(`${base}/`);
        expect([page.status, page.headers.get('content-type'), page.headers.get('cache-control')]).to.deep.equal([
          200,
          'text/html; charset=utf-8',
          'no-cache',
        ]);
        const bundle = /<script type="module" src="(\/assets\/app-[A-Z0-9]+\.js)"><\/script>/.exec(await page.text())?.[1];
        expect(bundle, 'the page loads its content-hashed bundle').to.be.a('string');
        const script = await fetch(`${base}${bundle}`);
        expect([script.status, script.headers.get('content-type'), script.headers.get('cache-control')]).to.deep.equal([
          200,
          'text/javascript; charset=utf-8',
          'public, max-age=31536000, immutable',
        ]);
        await script.arrayBuffer();
        expect(residentBytes(child.pid as number), 'resident memory when ready').to.be.below(quantityBytes(web.resources.requests.memory));
        const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        child.kill('SIGTERM');
        expect(await exit, `exit code after SIGTERM; its output:\n${output}`).to.equal(0);
        expect(snapshot(runtimeDir), 'files in the runtime tree').to.deep.equal(before);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
});

/** VmRSS of a process, from /proc. */
function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

/** A Kubernetes memory quantity (Ki, Mi, Gi) in bytes. */
function quantityBytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unsupported quantity ${quantity}`);
  return Number(match[1]) * { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[match[2] as 'Ki' | 'Mi' | 'Gi'];
}

/** Every file under dir with its size and modification time (node_modules, a symlink, excluded). */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    if (path === 'node_modules') continue;
    if (entry.isDirectory()) Object.assign(files, snapshot(dir, path));
    else {
      const stats = statSync(join(dir, path));
      files[path] = `${stats.size}:${stats.mtimeMs}`;
    }
  }
  return files;
}

/** Resolves with the port from the service's "service ready" log line; rejects if it exits first. */
function readyPort(child: ChildProcess, service: string, message = 'service ready'): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${service} did not become ready in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!line.includes(`"${message}"`)) continue;
        try {
          const port = Number(JSON.parse(line).port);
          if (port > 0) {
            clearTimeout(timer);
            resolve(port);
          }
        } catch {
          // a partial line; the rest comes with the next chunk
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${service} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

async function dropBrokerResources(exchange: string, queuePrefix: string, services: string[]): Promise<void> {
  const connection = await amqp.connect(TEST_AMQP_URL).catch(() => undefined);
  if (!connection) return;
  connection.on('error', () => {});
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    for (const service of services) {
      for (const suffix of ['', '.retry', '.dlq']) await channel.deleteQueue(`${queuePrefix}.${service}${suffix}`);
    }
    await channel.deleteExchange(exchange);
    await channel.deleteExchange(`${exchange}.dlx`);
  } finally {
    await connection.close().catch(() => {});
  }
}
