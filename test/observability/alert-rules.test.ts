import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';

const run = promisify(execFile);

/** kind/name, a generated ConfigMap's name without the hash kustomize appends. */
const nameBeforeHash = (doc: { kind: string; metadata: { name: string } }) =>
  `${doc.kind}/${doc.kind === 'ConfigMap' ? doc.metadata.name.replace(/-[a-z0-9]{10}$/, '') : doc.metadata.name}`;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MONITORING = join(ROOT, 'k8s/monitoring');
const OPERATOR = join(ROOT, 'k8s/prometheus-operator');
const TESTS = join(MONITORING, 'rule-tests');

interface RuleGroup {
  name: string;
  rules: { alert?: string; record?: string; expr: string }[];
}

/**
 * The rules in both forms: the plain `groups:` file a Prometheus without the operator loads
 * (k8s/monitoring/alert-rules.yaml, the kind overlay's) and the PrometheusRule of
 * k8s/prometheus-operator, which must hold the same groups. Unit-tested with Debian's promtool
 * (`promtool test rules`): every alert has a case where it fires and one where it stays quiet.
 */
describe('Alert rules (k8s/monitoring/alert-rules.yaml, k8s/prometheus-operator/prometheus-rules.yaml) under promtool', function () {
  this.timeout(60_000);
  let dir: string;
  let groups: RuleGroup[];

  before(() => {
    groups = parse(readFileSync(join(MONITORING, 'alert-rules.yaml'), 'utf8')).groups;
    dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    copyFileSync(join(MONITORING, 'alert-rules.yaml'), join(dir, 'rules.yaml'));
    for (const file of readdirSync(TESTS)) copyFileSync(join(TESTS, file), join(dir, file));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the operator's PrometheusRule holds exactly the groups of the plain rule file", () => {
    const resource = parse(readFileSync(join(OPERATOR, 'prometheus-rules.yaml'), 'utf8'));
    expect(resource.kind).to.equal('PrometheusRule');
    expect(resource.apiVersion).to.equal('monitoring.coreos.com/v1');
    expect(resource.spec, 'k8s/monitoring/alert-rules.yaml is rewritten from it by the command in its header').to.deep.equal({ groups });
  });

  it('promtool check rules accepts every rule', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', join(dir, 'rules.yaml')]);
    const count = groups.reduce((n, group) => n + group.rules.length, 0);
    expect(stdout).to.include(`SUCCESS: ${count} rules found`);
  });

  it('promtool test rules passes every unit test', async () => {
    const files = readdirSync(TESTS).filter((file) => file.endsWith('.test.yaml'));
    expect(files).to.not.be.empty;
    const result = await run('promtool', ['test', 'rules', ...files], { cwd: dir }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`promtool test rules failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
    expect(result.stdout.match(/SUCCESS/g)).to.have.length(files.length);
  });

  it('every alert (outbox lag, dead letters, queue without consumers, breaker, error and latency burn, restarts) is tested firing and quiet', () => {
    const alerts = groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
    expect(alerts).to.include.members([
      'OutboxLagging',
      'DeadLettersGrowing',
      'EventQueueWithoutConsumers',
      'GiftShopBreakerOpen',
      'ErrorBudgetBurnFast',
      'ErrorBudgetBurnSlow',
      'LatencyBudgetBurnFast',
      'LatencyBudgetBurnSlow',
      'PodsRestarting',
    ]);
    const cases = readdirSync(TESTS).flatMap((file) =>
      (
        parse(readFileSync(join(TESTS, file), 'utf8')).tests as { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[]
      ).flatMap((test) => test.alert_rule_test ?? []),
    );
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} has a firing case`,
      ).to.equal(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} has a quiet case`,
      ).to.equal(true);
    }
  });

  it('k8s/monitoring builds with real kustomize into the rules and dashboard ConfigMaps alone (no CRDs), in namespace game', async () => {
    const { stdout } = await run('kubectl', ['kustomize', MONITORING]);
    const docs = parseAllDocuments(stdout).map((doc) => doc.toJS());
    expect(docs.map(nameBeforeHash).sort()).to.deep.equal(['ConfigMap/grafana-dashboard-reward-chain', 'ConfigMap/prometheus-rules']);
    for (const doc of docs) expect(doc.metadata.namespace).to.equal('game');
    const dashboard = docs.find((doc) => doc.metadata.name === 'grafana-dashboard-reward-chain');
    expect(dashboard.metadata.labels.grafana_dashboard).to.equal('1');
    expect(JSON.parse(dashboard.data['reward-chain-dashboard.json']).uid).to.equal('game-reward-chain');
  });

  it('k8s/prometheus-operator builds with real kustomize: PodMonitors (services, Envoy, RabbitMQ), the PrometheusRule, the scrape NetworkPolicy and the ConfigMaps', async () => {
    const { stdout } = await run('kubectl', ['kustomize', OPERATOR]);
    const docs = parseAllDocuments(stdout).map((doc) => doc.toJS());
    expect(docs.map(nameBeforeHash).sort()).to.deep.equal([
      'ConfigMap/grafana-dashboard-reward-chain',
      'ConfigMap/prometheus-rules',
      'NetworkPolicy/metrics-from-operator-prometheus',
      'PodMonitor/envoy',
      'PodMonitor/game-services',
      'PodMonitor/rabbitmq',
      'PrometheusRule/game-event-rewards',
    ]);
    for (const doc of docs) expect(doc.metadata.namespace).to.equal('game');
    const rabbitmq = docs.find((doc) => doc.kind === 'PodMonitor' && doc.metadata.name === 'rabbitmq');
    const detailed = rabbitmq.spec.podMetricsEndpoints.find((endpoint: { path: string }) => endpoint.path === '/metrics/detailed');
    expect(detailed.port).to.equal('metrics');
    expect(detailed.params.family).to.include('queue_consumer_count');
  });
});
