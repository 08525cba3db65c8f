import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { DEPLOYED_SERVICES, renderServiceFile, serviceFilePath, WEB_APP, WEB_PORT } from '../../scripts/deploy/render-service-manifests.js';
import { isFile, readEnvFile, repoPath } from './support/deploy-facts.js';

/** k8s/base/services/*.yaml come from one template (scripts/deploy/render-service-manifests.ts). */
describe('service manifests rendered from one template', () => {
  for (const service of [...DEPLOYED_SERVICES, WEB_APP]) {
    it(`k8s/base/services/${service}.yaml is exactly what render-service-manifests.ts writes (run it after editing the template)`, () => {
      expect(isFile(serviceFilePath(service)), `${service}.yaml exists`).to.equal(true);
      expect(readFileSync(serviceFilePath(service), 'utf8')).to.equal(renderServiceFile(service));
    });
  }

  it('the base kustomization lists every rendered service file and generates <service>-config from services/<service>.env', () => {
    const kustomization = parseYaml(readFileSync(repoPath('k8s/base/kustomization.yaml'), 'utf8'));
    for (const service of DEPLOYED_SERVICES) {
      expect(kustomization.resources, service).to.include(`services/${service}.yaml`);
      expect(kustomization.configMapGenerator, service).to.deep.include({ name: `${service}-config`, envs: [`services/${service}.env`] });
      expect(readEnvFile(repoPath('k8s/base/services', `${service}.env`)), `${service}.env`).to.have.property(
        `${service.toUpperCase()}_GRPC_PORT`,
        '50051',
      );
    }
  });

  it("the base kustomization lists the web front end's file and generates web-config from services/web.env, which sets the port its Deployment declares", () => {
    const kustomization = parseYaml(readFileSync(repoPath('k8s/base/kustomization.yaml'), 'utf8'));
    expect(kustomization.resources).to.include(`services/${WEB_APP}.yaml`);
    expect(kustomization.configMapGenerator).to.deep.include({ name: `${WEB_APP}-config`, envs: [`services/${WEB_APP}.env`] });
    expect(readEnvFile(repoPath('k8s/base/services', `${WEB_APP}.env`))).to.have.property('WEB_PORT', String(WEB_PORT));
  });
});
