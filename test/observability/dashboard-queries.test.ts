import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
// Every module that defines metrics, as the service processes load them.
import '#testing/platform-modules';
import '#platform/runtime/service-runner';
import '../../services/gateway/src/gateway-server.js';
import { metricsRegistry } from '#platform/metrics/metrics-registry';

const run = promisify(execFile);
const DASHBOARD = fileURLToPath(new URL('../../k8s/monitoring/reward-chain-dashboard.json', import.meta.url));
const RULES = fileURLToPath(new URL('../../k8s/prometheus-operator/prometheus-rules.yaml', import.meta.url));

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

/** PromQL words that are not metric names: functions, aggregations, operators, modifiers. */
const PROMQL_WORDS = new Set(
  'sum rate increase irate max min avg count histogram_quantile by without on ignoring group_left group_right and or unless offset bool le delta topk bottomk abs clamp_min clamp_max label_replace'.split(
    ' ',
  ),
);

/** Metric names a PromQL expression reads (identifiers outside label matchers, ranges and strings). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((word) => !PROMQL_WORDS.has(word) && !/^\d/.test(word));
}

/** Every sample name the registry exports: histograms as _bucket, _sum and _count. */
async function exportedNames(): Promise<Set<string>> {
  const text = await metricsRegistry.metrics();
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}

describe('Grafana dashboard (k8s/monitoring/reward-chain-dashboard.json)', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; type: string }[] };
  };
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]).filter((panel) => panel.type !== 'row');
  const queries = panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

  it('shows the chain rate, the lag, the errors and the breaker', () => {
    const all = queries.map((query) => query.expr).join('\n');
    for (const metric of [
      'missions_achieved_total',
      'rewards_issued_total',
      'events_consumed_total',
      'event_lag_seconds_bucket',
      'outbox_oldest_pending_age_seconds',
      'grpc_server_handled_total',
      'event_dead_letter_messages',
      'gift_shop_breaker_state',
    ]) {
      expect(all, metric).to.include(metric);
    }
    expect(dashboard.templating.list.find((variable) => variable.name === 'datasource')?.type).to.equal('datasource');
  });

  it('every query reads only metric names the services export', async () => {
    const exported = await exportedNames();
    expect(exported.size).to.be.greaterThan(20);
    for (const { panel, expr } of queries) {
      const names = metricNames(expr);
      expect(names, `${panel}: ${expr}`).to.not.be.empty;
      for (const name of names) expect(exported.has(name), `${panel}: ${name} is not exported`).to.equal(true);
    }
  });

  it("the alert rules, too, read only exported metrics (their own recordings, kube-state-metrics' restarts and RabbitMQ's own queue consumers aside)", async () => {
    const exported = await exportedNames();
    const rules = (
      parse(readFileSync(RULES, 'utf8')).spec.groups as { rules: { record?: string; alert?: string; expr: string }[] }[]
    ).flatMap((group) => group.rules);
    const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));
    for (const rule of rules) {
      for (const name of metricNames(rule.expr)) {
        // Exported by others: kube-state-metrics, and RabbitMQ's rabbitmq_prometheus plugin
        // (/metrics/detailed?family=queue_consumer_count).
        if (recorded.has(name) || ['kube_pod_container_status_restarts_total', 'rabbitmq_detailed_queue_consumers'].includes(name))
          continue;
        expect(exported.has(name), `${rule.alert ?? rule.record}: ${name} is not exported`).to.equal(true);
      }
    }
  });

  it('every query is valid PromQL (promtool parses them as recording rules)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    try {
      const rules = queries.map((query, i) => ({ record: `dashboard:query_${i}`, expr: query.expr.replaceAll('$__rate_interval', '5m') }));
      writeFileSync(join(dir, 'queries.yaml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
      const { stdout } = await run('promtool', ['check', 'rules', join(dir, 'queries.yaml')]);
      expect(stdout).to.include(`SUCCESS: ${queries.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
