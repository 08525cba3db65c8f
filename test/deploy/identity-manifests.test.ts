import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '#contracts/service-catalog';
import { DEV_SERVICE_CLIENTS } from '../../services/identity/src/dev-clients.js';
import type { Manifest } from './support/deploy-facts.js';
import {
  buildManifests,
  containerEnvironment,
  find,
  KIND_SECRETS_DIR,
  makeKindSecrets,
  podTemplateSpecs,
  repoPath,
} from './support/deploy-facts.js';

/**
 * The kind overlay runs the same provider as `npm start` (services/identity, the same image),
 * and every party names the same issuer: each service and the web front end (AUTH_ISSUER from
 * auth-config), Envoy's jwt_authn, and the provider itself (the issuer it puts in its tokens).
 */
describe('identity in the kind overlay: one provider, one issuer for pods, Envoy and the browser', () => {
  let kind: Manifest[];
  before(() => {
    ({ kind } = buildManifests());
  });

  it('runs the embedded provider from the platform image as Deployment identity, reachable in the cluster and by the browser (NodePort 30090 -> localhost:8090)', () => {
    const deployment = find(kind, 'Deployment', 'identity');
    const [container] = deployment.spec.template.spec.containers;
    const image = find(kind, 'Deployment', 'wallet').spec.template.spec.containers[0].image;
    expect(container.image).to.equal(image);
    expect(container.command).to.deep.equal(['node', '--enable-source-maps', 'services/identity/src/main.js']);
    expect(deployment.spec.replicas, 'keys and sessions are in memory').to.equal(1);
    const env = containerEnvironment(kind, container);
    expect(env.AUTH_ISSUER, 'the provider is refused when an issuer is set').to.equal(undefined);
    expect(env).to.include({ IDENTITY_PORT: '8090', IDENTITY_ISSUER_HOST: 'identity.game.svc.cluster.local' });
    expect(find(kind, 'Service', 'identity').spec.ports[0]).to.include({ port: 8090 });
    expect(find(kind, 'Service', 'identity-browser').spec.ports[0]).to.include({ nodePort: 30090 });
    const cluster = parse(readFileSync(repoPath('k8s/kind-cluster.yaml'), 'utf8'));
    expect(cluster.nodes[0].extraPortMappings).to.deep.include({
      containerPort: 30090,
      hostPort: 8090,
      listenAddress: '127.0.0.1',
      protocol: 'TCP',
    });
  });

  it('every service, the web front end and Envoy name the issuer the provider puts in its tokens', () => {
    const issuer = `http://${containerEnvironment(kind, find(kind, 'Deployment', 'identity').spec.template.spec.containers[0]).IDENTITY_ISSUER_HOST}:8090`;
    for (const name of [...SERVICE_NAMES, 'web']) {
      const env = containerEnvironment(kind, find(kind, 'Deployment', name).spec.template.spec.containers[0]);
      expect(env.AUTH_ISSUER, name).to.equal(issuer);
      expect(env.AUTH_AUDIENCE, name).to.equal('game-event-rewards');
    }
    const envoy = parse(readFileSync(repoPath('envoy/envoy.yaml'), 'utf8'));
    const hcm = envoy.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    const jwt = hcm.http_filters.find((filter: { name: string }) => filter.name === 'envoy.filters.http.jwt_authn').typed_config;
    const provider = Object.values(jwt.providers)[0] as { issuer: string; audiences: string[]; remote_jwks: { http_uri: { uri: string } } };
    expect(provider.issuer).to.equal(issuer);
    expect(provider.audiences).to.deep.equal(['game-event-rewards']);
    expect(provider.remote_jwks.http_uri.uri.startsWith(`${issuer}/`)).to.equal(true);
  });

  it("the wallet's and the rebuild job's service credentials come from their Secrets and are the ones the provider holds for their clients", () => {
    const env = (kindName: string, name: string) => {
      const [pod] = podTemplateSpecs(find(kind, kindName, name));
      return containerEnvironment(kind, pod!.containers[0]);
    };
    const identity = env('Deployment', 'identity');
    const wallet = env('Deployment', 'wallet');
    const rebuild = env('CronJob', 'mypage-rebuild');
    expect(wallet.WALLET_AUTH_CLIENT_SECRET).to.match(RANDOM);
    expect(identity.IDENTITY_WALLET_CLIENT_SECRET).to.equal(wallet.WALLET_AUTH_CLIENT_SECRET);
    expect(rebuild.REBUILD_CLIENT_ID).to.equal(DEV_SERVICE_CLIENTS.platformAdmin.clientId);
    expect(rebuild.REBUILD_CLIENT_SECRET).to.match(RANDOM);
    expect(identity.IDENTITY_PLATFORM_ADMIN_CLIENT_SECRET).to.equal(rebuild.REBUILD_CLIENT_SECRET);
    // The variables the provider reads are the ones dev-clients.ts names.
    expect(DEV_SERVICE_CLIENTS.wallet.secretVariable).to.equal('IDENTITY_WALLET_CLIENT_SECRET');
    expect(DEV_SERVICE_CLIENTS.platformAdmin.secretVariable).to.equal('IDENTITY_PLATFORM_ADMIN_CLIENT_SECRET');
    expect(wallet.WALLET_AUTH_CLIENT_SECRET).to.not.equal(DEV_SERVICE_CLIENTS.wallet.clientSecret);
  });
});

describe('the kind overlay keeps no credential in git: make deploy makes them (scripts/deploy/kind-secrets.sh)', () => {
  const overlay = () => parse(readFileSync(repoPath('k8s/overlays/kind/kustomization.yaml'), 'utf8'));
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kind-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('every Secret of the overlay is generated from an env file under secrets/, which git ignores; none has a literal', () => {
    const generators: Array<{ name: string; literals?: string[]; files?: string[]; envs?: string[] }> = overlay().secretGenerator;
    expect(generators.length).to.be.above(0);
    for (const generator of generators) {
      expect(generator.literals, generator.name).to.equal(undefined);
      expect(generator.files, generator.name).to.equal(undefined);
      for (const file of generator.envs ?? []) {
        expect(file, generator.name).to.match(/^secrets\/[a-z-]+\.env$/);
        const ignored = spawnSync('git', ['check-ignore', '--no-index', '-q', join('k8s/overlays/kind', file)], { cwd: repoPath() });
        expect(ignored.status, `${file} is gitignored`).to.equal(0);
      }
    }
    const tracked = spawnSync('git', ['ls-files', KIND_SECRETS_DIR], { cwd: repoPath(), encoding: 'utf8' }).stdout;
    expect(tracked, 'nothing under secrets/ is committed').to.equal('');
  });

  it('writes every env file the overlay reads, owner-only, with random values that differ from run to run', () => {
    const made = makeKindSecrets(dir);
    expect(made).to.include.members(['POSTGRES_PASSWORD', 'RABBITMQ_DEFAULT_PASS', 'IDENTITY_WALLET_CLIENT_SECRET']);
    const envs = (overlay().secretGenerator as Array<{ envs: string[] }>).flatMap((generator) => generator.envs);
    for (const file of envs) {
      const path = join(dir, file.replace(/^secrets\//, ''));
      expect(statSync(path).mode & 0o077, `${file} is readable by its owner only`).to.equal(0);
    }
    const other = mkdtempSync(join(tmpdir(), 'kind-secrets-'));
    try {
      makeKindSecrets(other);
      const first = readEnv(join(dir, 'postgres.env'));
      const second = readEnv(join(other, 'postgres.env'));
      for (const [key, value] of Object.entries(first)) {
        if (key === 'POSTGRES_USER') continue;
        expect(value, key).to.match(RANDOM);
        expect(second[key], `${key} is made afresh`).to.not.equal(value);
      }
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("each service's DATABASE_URL and AMQP_URL carry the passwords Postgres and RabbitMQ are given", () => {
    makeKindSecrets(dir);
    const postgres = readEnv(join(dir, 'postgres.env'));
    const rabbitmq = readEnv(join(dir, 'rabbitmq.env'));
    for (const service of SERVICE_NAMES) {
      const env = readEnv(join(dir, `${service}.env`));
      const database = new URL(env.DATABASE_URL!);
      expect(database.username, service).to.equal(service);
      expect(database.password, service).to.equal(postgres[`${service.toUpperCase()}_DB_PASSWORD`]);
      expect(database.pathname).to.equal(`/${service}`);
      const broker = new URL(env.AMQP_URL!);
      expect([broker.username, broker.password]).to.deep.equal([rabbitmq.RABBITMQ_DEFAULT_USER, rabbitmq.RABBITMQ_DEFAULT_PASS]);
    }
  });

  it('a second run keeps every value (the volumes remember the passwords) and fills in what is missing', () => {
    makeKindSecrets(dir);
    const before = Object.fromEntries(readdirSync(dir).map((file) => [file, readEnv(join(dir, file))]));
    rmSync(join(dir, 'gift.env'));
    writeFileSync(join(dir, 'identity.env'), `IDENTITY_WALLET_CLIENT_SECRET=${before['identity.env']!.IDENTITY_WALLET_CLIENT_SECRET}\n`);
    expect(makeKindSecrets(dir)).to.deep.equal(['IDENTITY_PLATFORM_ADMIN_CLIENT_SECRET']);
    const after = Object.fromEntries(readdirSync(dir).map((file) => [file, readEnv(join(dir, file))]));
    for (const [file, values] of Object.entries(before)) {
      for (const [key, value] of Object.entries(values)) {
        if (key === 'IDENTITY_PLATFORM_ADMIN_CLIENT_SECRET' || key === 'REBUILD_CLIENT_SECRET') continue;
        expect(after[file]?.[key], `${file} ${key}`).to.equal(value);
      }
    }
    expect(after['mypage-rebuild.env']!.REBUILD_CLIENT_SECRET).to.equal(after['identity.env']!.IDENTITY_PLATFORM_ADMIN_CLIENT_SECRET);
  });

  it('make deploy makes them before it applies the overlay, and refuses new ones for a cluster that still runs on old ones', () => {
    const script = readFileSync(repoPath('scripts/deploy/deploy.sh'), 'utf8');
    const secrets = script.indexOf('scripts/deploy/kind-secrets.sh');
    expect(secrets).to.be.above(-1);
    expect(secrets).to.be.below(script.indexOf('kc apply -k k8s/.deploy'));
    expect(script.slice(0, secrets)).to.match(
      /! -f k8s\/overlays\/kind\/secrets\/postgres\.env \]\] && kc -n "\$NAMESPACE" get statefulset postgres/,
    );
  });
});

/** 48 hex digits from openssl rand. */
const RANDOM = /^[0-9a-f]{48}$/;

function readEnv(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
