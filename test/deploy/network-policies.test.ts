import { expect } from 'chai';
import { PUBLISHERS, SERVICE_NAMES } from '#contracts/service-catalog';
import { buildManifests, type Manifest, podTemplateSpecs } from './support/deploy-facts.js';
import { ingressAllowed, type PodPort, type Source, selects } from './support/network-policy-model.js';

/**
 * Who reaches whom in the kind overlay (as make deploy applies it), from its NetworkPolicies:
 * only Envoy reaches the services and the web front end, only the wallet reaches Envoy's mesh
 * listener (ReserveGift), only the My Page rebuild job reaches the platform admin APIs besides
 * Envoy, only the services reach Postgres and RabbitMQ, only Prometheus (namespace monitoring)
 * reaches the metrics ports; everyone reaches the edge.
 */
describe('NetworkPolicies (k8s/base/network, built offline): only Envoy and the named callers reach each workload', () => {
  let manifests: Manifest[];
  before(() => {
    ({ kind: manifests } = buildManifests());
  });

  const policies = () => manifests.filter((m) => m.kind === 'NetworkPolicy');
  const workloads = () => manifests.filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind));
  const labelsOf = (name: string): Record<string, string> => {
    const workload = workloads().find((w) => w.metadata.name === name);
    if (!workload) throw new Error(`no workload ${name}`);
    return workload.spec.template.metadata.labels;
  };
  const portOf = (name: string, portName: string): PodPort => {
    const workload = workloads().find((w) => w.metadata.name === name)!;
    const port = podTemplateSpecs(workload)[0]!
      .containers.flatMap((c: any) => c.ports ?? [])
      .find((p: any) => p.name === portName);
    if (!port) throw new Error(`${name} has no port ${portName}`);
    return port;
  };
  const reaches = (from: Record<string, string> | Source, to: string, port: string) =>
    ingressAllowed(policies(), from, labelsOf(to), portOf(to, port));
  const SERVICES = SERVICE_NAMES;
  const stranger = { run: 'debug-shell' };
  const rebuildJob = { 'app.kubernetes.io/name': 'mypage-rebuild' };

  it('every pod of the namespace is isolated: a default-deny policy selects them all', () => {
    const denyAll = policies().find((p) => Object.keys(p.spec.podSelector ?? {}).length === 0);
    expect(denyAll?.spec.ingress ?? [], 'default deny has no ingress rule').to.deep.equal([]);
    for (const workload of workloads()) {
      expect(
        policies().some((p) => selects(p.spec.podSelector, workload.spec.template.metadata.labels)),
        workload.metadata.name,
      ).to.equal(true);
    }
  });

  it('anyone reaches the edge (8080) and the readiness port, nothing else', () => {
    expect(reaches(stranger, 'envoy', 'http')).to.equal(true);
    expect(reaches(stranger, 'envoy', 'health')).to.equal(true);
    expect(reaches(stranger, 'envoy', 'grpc-mesh')).to.equal(false);
    for (const service of SERVICES) expect(reaches(stranger, service, 'grpc'), service).to.equal(false);
    expect(reaches(stranger, 'web', 'http')).to.equal(false);
    expect(reaches(stranger, 'postgres', 'postgres')).to.equal(false);
    expect(reaches(stranger, 'rabbitmq', 'amqp')).to.equal(false);
  });

  it('Envoy reaches every service and the web front end; no service reaches another service directly', () => {
    const envoy = labelsOf('envoy');
    for (const service of SERVICES) expect(reaches(envoy, service, 'grpc'), service).to.equal(true);
    expect(reaches(envoy, 'web', 'http')).to.equal(true);
    for (const caller of SERVICES) {
      for (const service of SERVICES) expect(reaches(labelsOf(caller), service, 'grpc'), `${caller} -> ${service}`).to.equal(false);
    }
  });

  it('the wallet alone reaches the mesh listener, its way to gift (ReserveGift)', () => {
    for (const caller of SERVICES) expect(reaches(labelsOf(caller), 'envoy', 'grpc-mesh'), caller).to.equal(caller === 'wallet');
    expect(reaches(labelsOf('web'), 'envoy', 'grpc-mesh')).to.equal(false);
  });

  it('the My Page rebuild job reaches mypage (ReadModelAdminService) and the event publishers (EventReplayService), not notification', () => {
    for (const service of [...PUBLISHERS, 'mypage']) expect(reaches(rebuildJob, service, 'grpc'), service).to.equal(true);
    expect(reaches(rebuildJob, 'notification', 'grpc')).to.equal(false);
    expect(reaches(rebuildJob, 'postgres', 'postgres')).to.equal(false);
  });

  it("the rebuild job's pods (cronjob/mypage-rebuild) carry the label the policies admit, and not the services' (no Postgres, no RabbitMQ)", () => {
    const job = manifests.find((m) => m.kind === 'CronJob' && m.metadata.name === 'mypage-rebuild');
    const labels: Record<string, string> = job!.spec.jobTemplate.spec.template.metadata.labels;
    expect(labels).to.include(rebuildJob);
    for (const service of [...PUBLISHERS, 'mypage']) expect(reaches(labels, service, 'grpc'), service).to.equal(true);
    expect(reaches(labels, 'postgres', 'postgres')).to.equal(false);
    expect(reaches(labels, 'rabbitmq', 'amqp')).to.equal(false);
  });

  it("Prometheus alone reaches every metrics port (services, Envoy's stats listener, RabbitMQ's plugin), and only Grafana reaches Prometheus", () => {
    const prometheus = labelsOf('prometheus');
    for (const target of [...SERVICES, 'envoy', 'rabbitmq']) {
      expect(reaches(prometheus, target, 'metrics'), `prometheus -> ${target}`).to.equal(true);
      expect(reaches(stranger, target, 'metrics'), `stranger -> ${target}`).to.equal(false);
    }
    expect(reaches(prometheus, 'rabbitmq', 'amqp')).to.equal(false);
    for (const service of SERVICES) expect(reaches(prometheus, service, 'grpc'), service).to.equal(false);
    expect(reaches(labelsOf('grafana'), 'prometheus', 'http')).to.equal(true);
    expect(reaches(stranger, 'prometheus', 'http')).to.equal(false);
    expect(reaches(stranger, 'grafana', 'http')).to.equal(false);
  });

  it('only the services reach Postgres and RabbitMQ', () => {
    for (const service of SERVICES) {
      expect(reaches(labelsOf(service), 'postgres', 'postgres'), service).to.equal(true);
      expect(reaches(labelsOf(service), 'rabbitmq', 'amqp'), service).to.equal(true);
    }
    for (const other of ['envoy', 'web']) {
      expect(reaches(labelsOf(other), 'postgres', 'postgres'), other).to.equal(false);
      expect(reaches(labelsOf(other), 'rabbitmq', 'amqp'), other).to.equal(false);
    }
  });
});
