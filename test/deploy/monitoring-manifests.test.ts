import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import type { Manifest } from './support/deploy-facts.js';
import { buildManifests, envoyConfig, envoyListeners, find, podTemplateSpecs, repoPath } from './support/deploy-facts.js';

const run = promisify(execFile);

interface RelabelConfig {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  action?: string;
}
interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  params?: Record<string, string[]>;
  kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[];
  static_configs?: unknown[];
  relabel_configs?: RelabelConfig[];
}

/**
 * Prometheus and Grafana in the kind overlay (k8s/overlays/kind/monitoring), as `make deploy`
 * applies them: Prometheus loads exactly k8s/monitoring's rule file and scrapes every metrics port
 * of the namespace; Grafana is provisioned with the dashboard of k8s/monitoring, byte for byte,
 * and a datasource that is that Prometheus.
 */
describe('Prometheus and Grafana in the kind overlay (built offline)', () => {
  let kind: Manifest[];
  let prometheus: Record<string, any>;
  let config: { rule_files: string[]; scrape_configs: ScrapeConfig[] };

  /** The ConfigMap a pod's volume mounts, as the build names it. */
  function volumeConfigMap(pod: Record<string, any>, volumeName: string): Manifest {
    const volume = pod.volumes.find((v: any) => v.name === volumeName);
    expect(volume?.configMap, `volume ${volumeName}`).to.not.equal(undefined);
    return find(kind, 'ConfigMap', volume.configMap.name);
  }
  function mountOf(container: Record<string, any>, volumeName: string): { mountPath: string; subPath?: string } {
    const mount = container.volumeMounts.find((m: any) => m.name === volumeName);
    expect(mount, `mount of ${volumeName}`).to.not.equal(undefined);
    return mount;
  }

  before(() => {
    ({ kind } = buildManifests());
    prometheus = podTemplateSpecs(find(kind, 'Deployment', 'prometheus'))[0];
    const [container] = prometheus.containers;
    const configFile = container.args.find((arg: string) => arg.startsWith('--config.file=')).split('=')[1];
    const mount = mountOf(container, 'config');
    expect(mount.mountPath).to.equal(configFile);
    config = parse(volumeConfigMap(prometheus, 'config').data[mount.subPath ?? posix.basename(configFile)]);
  });

  it("loads k8s/monitoring/alert-rules.yaml, unchanged, as its only rule file: rule_files matches the rules ConfigMap's key where it is mounted", () => {
    const [container] = prometheus.containers;
    const rules = volumeConfigMap(prometheus, 'rules');
    const { mountPath } = mountOf(container, 'rules');
    const mounted = Object.keys(rules.data).map((key) => posix.join(mountPath, key));
    const globToRegExp = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    const loaded = mounted.filter((file) => config.rule_files.some((glob) => globToRegExp(glob).test(file)));
    expect(loaded).to.deep.equal([posix.join(mountPath, 'alert-rules.yaml')]);
    expect(rules.data['alert-rules.yaml']).to.equal(readFileSync(repoPath('k8s/monitoring/alert-rules.yaml'), 'utf8'));
  });

  it('scrapes every metrics port in the namespace, each once, with the path it serves (services /metrics, Envoy /stats/prometheus, RabbitMQ /metrics and /metrics/detailed)', () => {
    const keeps = (job: ScrapeConfig, labels: Record<string, string>) =>
      (job.relabel_configs ?? [])
        .filter((rule) => rule.action === 'keep')
        .every((rule) =>
          new RegExp(`^(?:${rule.regex ?? '(.*)'})$`).test(
            (rule.source_labels ?? []).map((l) => labels[l] ?? '').join(rule.separator ?? ';'),
          ),
        );
    const discovered = config.scrape_configs.filter((job) => job.kubernetes_sd_configs);
    for (const job of discovered)
      expect(job.kubernetes_sd_configs, job.job_name).to.deep.equal([{ role: 'pod', namespaces: { names: ['game'] } }]);
    const scrapedBy = new Map<string, string[]>();
    for (const workload of kind.filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind))) {
      const pod = podTemplateSpecs(workload)[0];
      const podLabels = Object.fromEntries(
        Object.entries(workload.spec.template.metadata.labels as Record<string, string>).map(([key, value]) => [
          `__meta_kubernetes_pod_label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`,
          value,
        ]),
      );
      for (const port of pod.containers.flatMap((c: any) => c.ports ?? [])) {
        const labels = { ...podLabels, __meta_kubernetes_namespace: 'game', __meta_kubernetes_pod_container_port_name: port.name };
        const jobs = discovered.filter((job) => keeps(job, labels)).map((job) => `${job.metrics_path ?? '/metrics'}`);
        if (port.name === 'metrics') scrapedBy.set(workload.metadata.name, jobs);
        else expect(jobs, `${workload.metadata.name} port ${port.name} is not scraped`).to.deep.equal([]);
      }
    }
    const services = kind.filter((m) => m.kind === 'Deployment' && m.metadata.labels?.['app.kubernetes.io/component'] === 'service');
    expect(services).to.not.be.empty;
    for (const service of services) expect(scrapedBy.get(service.metadata.name), service.metadata.name).to.deep.equal(['/metrics']);
    expect(scrapedBy.get('envoy')).to.deep.equal(['/stats/prometheus']);
    expect(scrapedBy.get('rabbitmq')?.sort()).to.deep.equal(['/metrics', '/metrics/detailed']);
    const detailed = discovered.find((job) => job.metrics_path === '/metrics/detailed');
    // The family EventQueueWithoutConsumers reads (rabbitmq_detailed_queue_consumers).
    expect(detailed?.params?.family).to.include('queue_consumer_count');
    // What Envoy serves there: the stats listener on the port its container names metrics.
    const envoyPort = podTemplateSpecs(find(kind, 'Deployment', 'envoy'))[0]
      .containers.flatMap((c: any) => c.ports ?? [])
      .find((p: any) => p.name === 'metrics').containerPort;
    const stats = envoyListeners(envoyConfig()).find((listener) => listener.address?.port === envoyPort);
    expect(JSON.stringify(stats?.raw)).to.include('"path":"/stats/prometheus"');
  });

  it('RabbitMQ runs its Prometheus plugin on the port named metrics (15692): enabled_plugins from its ConfigMap, where the broker reads it', () => {
    const pod = podTemplateSpecs(find(kind, 'StatefulSet', 'rabbitmq'))[0];
    const [container] = pod.containers;
    expect(container.ports.find((p: any) => p.name === 'metrics')?.containerPort).to.equal(15692);
    const mount = container.volumeMounts.find((m: any) => m.mountPath === '/etc/rabbitmq/enabled_plugins');
    expect(mount, 'enabled_plugins mount').to.not.equal(undefined);
    const plugins = volumeConfigMap(pod, mount.name).data[mount.subPath];
    expect(plugins.trim()).to.match(/^\[(.*,\s*)?rabbitmq_prometheus(\s*,.*)?\]\.$/);
  });

  it('promtool check config accepts the rendered prometheus.yml and the rule file it loads', async () => {
    // Debian's prometheus package is built without Kubernetes discovery, so its promtool rejects
    // kubernetes_sd_configs as an unknown field: each is checked above (role pod, namespace game)
    // and swapped here for an empty static_configs; everything else is checked as rendered.
    const dir = mkdtempSync(join(tmpdir(), 'kind-prometheus-'));
    try {
      const rules = volumeConfigMap(prometheus, 'rules');
      for (const [key, text] of Object.entries(rules.data as Record<string, string>)) writeFileSync(join(dir, key), text);
      const checkable = {
        ...config,
        rule_files: config.rule_files.map((glob) => join(dir, posix.basename(glob))),
        scrape_configs: config.scrape_configs.map(({ kubernetes_sd_configs, ...job }) =>
          kubernetes_sd_configs ? { ...job, static_configs: [{ targets: [] }] } : job,
        ),
      };
      writeFileSync(join(dir, 'prometheus.yml'), stringify(checkable));
      const { stdout } = await run('/usr/bin/promtool', ['check', 'config', join(dir, 'prometheus.yml')]).catch(
        (error: { stdout?: string; stderr?: string }) => {
          throw new Error(`promtool check config failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
        },
      );
      expect(stdout).to.include('is valid prometheus config file syntax');
      expect(stdout).to.include('SUCCESS: 1 rule files found');
      const ruleCount = parse(rules.data['alert-rules.yaml']).groups.reduce((n: number, g: { rules: unknown[] }) => n + g.rules.length, 0);
      expect(stdout).to.include(`SUCCESS: ${ruleCount} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Grafana is provisioned with k8s/monitoring/reward-chain-dashboard.json byte for byte, from the folder its provider reads', () => {
    const grafana = podTemplateSpecs(find(kind, 'Deployment', 'grafana'))[0];
    const [container] = grafana.containers;
    const dashboards = volumeConfigMap(grafana, 'dashboards');
    expect(dashboards.data['reward-chain-dashboard.json']).to.equal(
      readFileSync(repoPath('k8s/monitoring/reward-chain-dashboard.json'), 'utf8'),
    );
    expect(mountOf(container, 'dashboard-providers').mountPath).to.equal('/etc/grafana/provisioning/dashboards');
    const providers = Object.values(volumeConfigMap(grafana, 'dashboard-providers').data as Record<string, string>).flatMap(
      (text) => parse(text).providers,
    );
    expect(providers.map((provider: any) => provider.options.path)).to.deep.equal([mountOf(container, 'dashboards').mountPath]);
  });

  it("Grafana's default datasource is the overlay's Prometheus, through its Service", () => {
    const grafana = podTemplateSpecs(find(kind, 'Deployment', 'grafana'))[0];
    expect(mountOf(grafana.containers[0], 'datasources').mountPath).to.equal('/etc/grafana/provisioning/datasources');
    const datasources = Object.values(volumeConfigMap(grafana, 'datasources').data as Record<string, string>).flatMap(
      (text) => parse(text).datasources,
    );
    expect(datasources).to.have.length(1);
    const [datasource] = datasources;
    expect(datasource.type).to.equal('prometheus');
    expect(datasource.isDefault).to.equal(true);
    const service = find(kind, 'Service', 'prometheus');
    const port = service.spec.ports[0];
    expect(datasource.url).to.equal(`http://prometheus.game.svc.cluster.local:${port.port}`);
    expect(service.spec.selector).to.deep.equal({ 'app.kubernetes.io/name': 'prometheus' });
    const listen = prometheus.containers[0].args.find((arg: string) => arg.startsWith('--web.listen-address='));
    const containerPort = prometheus.containers[0].ports.find((p: any) => p.name === port.targetPort).containerPort;
    expect(listen).to.equal(`--web.listen-address=:${containerPort}`);
  });
});
