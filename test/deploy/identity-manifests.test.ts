import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '#contracts/service-catalog';
import type { Manifest } from './support/deploy-facts.js';
import { buildManifests, containerEnvironment, find, repoPath } from './support/deploy-facts.js';

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

  it("the wallet's service credentials come from its Secret", () => {
    const wallet = find(kind, 'Deployment', 'wallet').spec.template.spec.containers[0];
    const secretName = wallet.envFrom.find((from: { secretRef?: { name: string } }) => from.secretRef)?.secretRef.name;
    const secret = find(kind, 'Secret', secretName);
    expect(Buffer.from(secret.data.WALLET_AUTH_CLIENT_SECRET, 'base64').toString()).to.not.equal('');
  });
});
