import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { SERVICE_CATALOG, SERVICE_NAMES, SHARED_API_CONTEXTS } from '#contracts/service-catalog';
import { DEFAULT_GRPC_PORTS } from '#contracts/service-ports';
import { AccessPolicies } from '#platform/auth/access-policy';
import { renderServiceFile, serviceFilePath, WEB_APP } from '../../scripts/deploy/render-service-manifests.js';
import { readEnvoyYaml, renderEnvoyConfig } from '../../scripts/envoy-config/envoy-config.js';
import { loadDescriptorRegistry } from '../../services/gateway/src/descriptor/descriptor-registry.js';
import { MODULES_BY_NAME } from '../../services/launcher/src/service-modules.js';
import { readWalletConfig } from '../../services/wallet/src/wallet-config.js';
import { repoPath } from './support/deploy-facts.js';

/**
 * services/contracts/service-catalog.ts is the one list of services: what is generated from it is
 * current, it matches the contract, and nothing keeps a list of its own.
 */
describe('the service catalog (services/contracts/service-catalog.ts)', () => {
  const registry = loadDescriptorRegistry();
  const contexts = () => {
    const found = new Set<string>();
    for (const file of registry.files) {
      const context = /^game\.([a-z][a-z0-9_]*)\.v1$/.exec(file.proto.package)?.[1];
      if (context && file.services.length > 0) found.add(context);
    }
    return found;
  };

  it('envoy/envoy.yaml is what scripts/render-envoy-config.ts renders from the catalog and proto/ (else run npm run gen:envoy-config)', () => {
    const checkedIn = readEnvoyYaml();
    const rendered = renderEnvoyConfig(checkedIn, { policies: AccessPolicies.fromRegistry(registry), registry });
    expect(rendered === checkedIn, 'envoy/envoy.yaml is stale: run npm run gen:envoy-config').to.equal(true);
  });

  it('k8s/base/services/ holds exactly one rendered file per catalog service, plus the web front end', () => {
    const files = readdirSync(repoPath('k8s/base/services')).filter((name) => name.endsWith('.yaml'));
    expect(files.sort()).to.deep.equal([...SERVICE_NAMES, WEB_APP].map((name) => `${name}.yaml`).sort());
    for (const name of [...SERVICE_NAMES, WEB_APP]) {
      expect(readFileSync(serviceFilePath(name), 'utf8') === renderServiceFile(name), `${name}.yaml is stale`).to.equal(true);
    }
  });

  it('every game.<context>.v1 service of the descriptor set has a catalog entry, and every entry has a service', () => {
    const inContract = [...contexts()].filter((context) => !SHARED_API_CONTEXTS.includes(context));
    expect(inContract.sort(), 'contexts of proto/ without an entry, or entries without a package').to.deep.equal([...SERVICE_NAMES].sort());
    expect(contexts(), 'game.platform.v1 is in the contract').to.include('platform');
  });

  it("each catalog entry's mesh-only methods exist and its calls name catalog services", () => {
    for (const name of SERVICE_NAMES) {
      const entry = SERVICE_CATALOG[name] as { meshOnly?: Record<string, string>; calls?: Record<string, unknown> };
      const methods = [...registry.files]
        .filter((file) => file.proto.package === `game.${name}.v1`)
        .flatMap((file) => file.services.flatMap((service) => service.methods.map((method) => method.name)));
      for (const method of Object.keys(entry.meshOnly ?? {})) expect(methods, `${name}.meshOnly`).to.include(method);
      for (const callee of Object.keys(entry.calls ?? {})) expect(SERVICE_NAMES, `${name}.calls`).to.include(callee);
    }
  });

  it("every service's composition root is named after its entry and listens on its port by default", () => {
    expect(Object.keys(MODULES_BY_NAME).sort()).to.deep.equal([...SERVICE_NAMES].sort());
    for (const name of SERVICE_NAMES) {
      expect(MODULES_BY_NAME[name].name, name).to.equal(name);
      // mypage writes its port out rather than import the table of every service's ports.
      expect(MODULES_BY_NAME[name].defaultPort, `${name} default port`).to.equal(SERVICE_CATALOG[name].port);
      expect(DEFAULT_GRPC_PORTS[name], name).to.equal(SERVICE_CATALOG[name].port);
    }
    expect(new Set(SERVICE_NAMES.map((name) => SERVICE_CATALOG[name].port)).size, 'ports are distinct').to.equal(SERVICE_NAMES.length);
  });

  it("the wallet's gift-call defaults are the catalog's", () => {
    expect(readWalletConfig({}).giftShop).to.deep.equal(SERVICE_CATALOG.wallet.calls.gift);
  });

  it("the Makefile's recipes and package.json's scripts keep no list of service names", () => {
    const names = new RegExp(`\\b(${SERVICE_NAMES.join('|')})\\b`, 'g');
    /** Lines that name three or more services: a list that should be derived from the catalog. */
    const lists = (lines: string[]) => lines.filter((line) => new Set(line.match(names) ?? []).size >= 3);
    expect(lists(readFileSync(repoPath('Makefile'), 'utf8').split('\n')), 'Makefile').to.deep.equal([]);
    const scripts = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).scripts as Record<string, string>;
    expect(lists(Object.values(scripts)), 'package.json scripts').to.deep.equal([]);
    // The check itself sees a list: the loop db:generate once was.
    expect(lists(['for s in mission reward wallet gift; do drizzle-kit generate; done'])).to.have.length(1);
  });
});
