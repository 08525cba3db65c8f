import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse, parseAllDocuments, stringify } from 'yaml';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MONITORING = join(ROOT, 'k8s/monitoring');
const TESTS = join(MONITORING, 'rule-tests');

interface RuleGroup {
  name: string;
  rules: { alert?: string; record?: string; expr: string }[];
}

/**
 * The PrometheusRule in k8s/monitoring, unwrapped into the plain `groups:` file promtool reads,
 * unit-tested with Debian's promtool (`promtool test rules`): every alert has a case where it
 * fires and one where it stays quiet.
 */
describe('Alert rules (k8s/monitoring/prometheus-rules.yaml) under promtool', function () {
  this.timeout(60_000);
  let dir: string;
  let groups: RuleGroup[];

  before(() => {
    const resource = parse(readFileSync(join(MONITORING, 'prometheus-rules.yaml'), 'utf8'));
    expect(resource.kind).to.equal('PrometheusRule');
    expect(resource.apiVersion).to.equal('monitoring.coreos.com/v1');
    groups = resource.spec.groups;
    dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    writeFileSync(join(dir, 'rules.yaml'), stringify(resource.spec));
    for (const file of readdirSync(TESTS)) copyFileSync(join(TESTS, file), join(dir, file));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

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

  it('k8s/monitoring builds with real kustomize: PodMonitors, the PrometheusRule and the dashboard ConfigMap, in namespace game', async () => {
    const { stdout } = await run('kubectl', ['kustomize', MONITORING]);
    const docs = parseAllDocuments(stdout).map((doc) => doc.toJS());
    expect(docs.map((doc) => `${doc.kind}/${doc.metadata.name}`).sort()).to.deep.equal([
      'ConfigMap/grafana-dashboard-reward-chain',
      'PodMonitor/envoy',
      'PodMonitor/game-services',
      'PrometheusRule/game-event-rewards',
    ]);
    for (const doc of docs) expect(doc.metadata.namespace).to.equal('game');
    const dashboard = docs.find((doc) => doc.kind === 'ConfigMap');
    expect(dashboard.metadata.labels.grafana_dashboard).to.equal('1');
    expect(JSON.parse(dashboard.data['reward-chain-dashboard.json']).uid).to.equal('game-reward-chain');
  });
});
