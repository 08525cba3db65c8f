/**
 * `npm run bench`: the platform against the machine's own ceiling, measured in one run on the same
 * servers (docs/benchmark.md). Each phase is one of the bench scripts, run as its own process (a
 * clean heap and event loop each, and its own database, exchange and queues); this reads the JSON
 * line each prints last, puts the figures side by side with their ratios and the issue's targets,
 * prints a table and writes bench-results/bench-<time>.json (and latest.json).
 *
 *   npm run bench -- [--quick] [--only ceiling,naive,chain,exchange,mypage,gateway,deployed,startup]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hostInfo } from './bench-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PHASES = ['ceiling', 'naive', 'chain', 'exchange', 'mypage', 'gateway', 'deployed', 'startup'] as const;
type Phase = (typeof PHASES)[number];

/** The naive configuration of this very code: one event per transaction, one confirm per message. */
const NAIVE_ENV = { EVENTS_PREFETCH: '1', OUTBOX_BATCH_SIZE: '1' };

const USAGE = `Usage: npm run bench -- [--quick] [--only PHASES]

  --only P,Q,...   phases to run, in this order whatever the list's: ${PHASES.join(', ')} (default all)
  --quick          smaller counts and shorter phases (4 min on 2 quiet cores, 28 at load average 27)
  --out DIR        where the JSON goes (default bench-results/)
  --from FILE      print the table of an earlier run's JSON (bench-results/latest.json) and stop

Phases: ceiling (one local transaction per job, the same driver), naive (the chain with
EVENTS_PREFETCH=1 OUTBOX_BATCH_SIZE=1), chain (mission, reward, wallet in one process: sustained,
then achieve -> wallet at half of it), exchange (ExchangeReward at 8 in flight), mypage
(GetMyPage vs a primary-key SELECT), gateway (REST through the gateway vs direct gRPC, 16
callers), deployed (\`make up\`: 2 replicas each, REST through the gateway: sustained, latency at
half of it, the mixed load), startup (\`npm start\` ready time and memory).`;

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs one bench script; resolves with the last JSON line it printed on stdout. */
function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<Json> {
  log(
    `\n== tsx ${script} ${args.join(' ')}${
      Object.keys(env).length
        ? ` (${Object.entries(env)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')})`
        : ''
    }`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    // Progress goes on to this stderr; its tail says why a phase failed.
    let stderrTail = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-4000);
    });
    child.once('exit', (code) => {
      const line = stdout
        .trim()
        .split('\n')
        .reverse()
        .find((candidate) => candidate.startsWith('{'));
      const why = stderrTail
        .split('\n')
        .map((text) => text.trim())
        .filter((text) => /error|fail/i.test(text) && !text.startsWith('at '))
        .slice(0, 1)
        .join('');
      if (code !== 0 || !line) reject(new Error(`${script} exited with ${code}: ${why || stderrTail.slice(-300)}`));
      else resolve(JSON.parse(line) as Json);
    });
  });
}

type Json = any;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: join(ROOT, 'bench-results') },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  if (values.from) return console.log(formatSuite(JSON.parse(readFileSync(values.from, 'utf8'))));
  const quick = values.quick ?? false;
  const wanted = values.only ? values.only.split(',').map((name) => name.trim()) : [...PHASES];
  for (const name of wanted) if (!PHASES.includes(name as Phase)) throw new Error(`--only: unknown phase "${name}" (${PHASES.join(', ')})`);
  const selected = PHASES.filter((phase) => wanted.includes(phase));
  const host = hostInfo();
  const startedAt = new Date().toISOString();
  log(`bench suite (${quick ? 'quick' : 'full'}): ${selected.join(', ')}; ${host.cpus} CPUs, load average ${host.loadAverage} at start`);
  const q = (quickValue: string, fullValue: string) => (quick ? quickValue : fullValue);
  const results: Partial<Record<Phase, Json>> = {};
  const failures: Record<string, string> = {};
  const attempt = async (phase: Phase, work: () => Promise<Json>) => {
    if (!selected.includes(phase)) return;
    // Once more after a failure: on a shared server another user's burst (Postgres out of
    // connections, 53300) can fail a phase that has nothing wrong with it.
    for (let attemptNo = 1; attemptNo <= 2; attemptNo += 1) {
      try {
        results[phase] = await work();
        delete failures[phase];
        return;
      } catch (error) {
        failures[phase] = error instanceof Error ? error.message.slice(0, 500) : String(error);
        log(`[${phase}] FAILED (attempt ${attemptNo} of 2): ${failures[phase]}`);
      }
    }
  };

  await attempt('ceiling', () => runScript('ceiling-bench.ts', quick ? ['--quick'] : []));
  const chainArgs = ['--phase', 'throughput', '--count', q('3000', '10000'), '--warmup', '200'];
  // The naive configuration runs several times slower: fewer missions keep its phase as long.
  const naiveArgs = ['--phase', 'throughput', '--count', q('1000', '3000'), '--warmup', '100'];
  await attempt('naive', async () => (await runScript('run-bench.ts', naiveArgs, NAIVE_ENV)).phases[0]);
  await attempt('chain', async () => {
    const throughput = (await runScript('run-bench.ts', chainArgs)).phases[0];
    const rate = Math.max(10, Math.round(throughput.completedPerSecond / 2));
    const latencyArgs = ['--phase', 'latency', '--rate', String(rate), '--count', String(rate * Number(q('10', '20'))), '--warmup', '200'];
    const latency = (await runScript('run-bench.ts', latencyArgs)).phases[0];
    return { throughput, latency };
  });
  await attempt('exchange', () =>
    runScript('run-exchange-bench.ts', ['--count', q('1000', '2000'), '--concurrency', '8', '--open-calls', q('300', '2000')]),
  );
  await attempt('mypage', () =>
    runScript('my-page-bench.ts', [
      '--calls',
      q('1000', '3000'),
      '--burst',
      q('2000', '10000'),
      '--rate',
      '200',
      '--seconds',
      q('3', '10'),
    ]),
  );
  await attempt('gateway', () =>
    runScript('gateway-bench.ts', ['--concurrency', '16', '--seconds', q('3', '5'), '--exchanges', q('1000', '2500')]),
  );
  const ceilingRate = (results.ceiling as Json)?.phases?.find((p: Json) => p.job.startsWith('mission'))?.perSecond ?? 0;
  await attempt('deployed', () => runScript('deployed-bench.ts', [...(quick ? ['--quick'] : []), '--ceiling-rate', String(ceilingRate)]));
  await attempt('startup', () => runScript('startup-bench.ts', ['--runs', q('1', '3')]));

  const report = { bench: 'suite', startedAt, quick, host, phases: selected, failures, results };
  mkdirSync(values.out as string, { recursive: true });
  const file = join(values.out as string, `bench-${startedAt.replaceAll(':', '-').slice(0, 19)}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(values.out as string, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(formatSuite(report));
  console.log(`\nJSON: ${file}`);
  if (Object.keys(failures).length > 0) process.exitCode = 1;
}

interface Row {
  what: string;
  ceiling: string;
  naive: string;
  platform: string;
  ratio: string;
  target: string;
}

const n = (value: number | undefined, digits = 0) => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits));
const pct = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? '-' : `${((a / b) * 100).toFixed(0)}%`);
const times = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? '-' : `${(a / b).toFixed(2)}x`);
const verdict = (met: boolean | undefined) => (met === undefined ? '' : met ? ' MET' : ' MISSED');
const lat = (stats: Json) => (stats ? `p50 ${n(stats.p50, 1)} / p99 ${n(stats.p99, 1)} ms` : '-');

/** The side-by-side table: every figure of one run, its ratios and the issue's targets. */
export function formatSuite(report: Json): string {
  const r = report.results as Json;
  const ceilingOf = (prefix: string) => r.ceiling?.phases?.find((p: Json) => p.job.startsWith(prefix));
  const cMission = ceilingOf('mission');
  const cExchange = ceilingOf('exchange');
  const naive = r.naive;
  const chain = r.chain?.throughput;
  const chainLatency = r.chain?.latency;
  const dep = r.deployed;
  const rows: Row[] = [];
  const row = (what: string, ceiling: string, naiveCell: string, platform: string, ratio: string, target: string) =>
    rows.push({ what, ceiling, naive: naiveCell, platform, ratio, target });

  // Throughput.
  row(
    'chain, one process: missions/s credited',
    n(cMission?.perSecond),
    n(naive?.completedPerSecond),
    n(chain?.completedPerSecond),
    `${pct(chain?.completedPerSecond, cMission?.perSecond)} of ceiling, ${times(chain?.completedPerSecond, naive?.completedPerSecond)} naive`,
    `>= 30%, >= 2.5x${verdict(chain && cMission && naive ? chain.completedPerSecond >= 0.3 * cMission.perSecond && chain.completedPerSecond >= 2.5 * naive.completedPerSecond : undefined)}`,
  );
  row(
    'chain, one process: latency at full load (job / achieve -> wallet)',
    lat(cMission?.latencyMs),
    lat(naive?.achieveToWalletMs),
    lat(chain?.achieveToWalletMs),
    'backlog at saturation',
    '',
  );
  row(
    `chain, one process: achieve -> wallet at ${chainLatency?.rate ?? '?'}/s (half its max)`,
    '',
    '',
    lat(chainLatency?.achieveToWalletMs),
    chainLatency ? `${chainLatency.completedPerSecond}/s of ${chainLatency.rate}/s` : '-',
    '',
  );
  row(
    'as deployed (make up, REST): missions/s sustained',
    n(cMission?.perSecond),
    '',
    n(dep?.sustained?.completedPerSecond),
    `${pct(dep?.sustained?.completedPerSecond, cMission?.perSecond)} of ceiling`,
    `>= 15%${verdict(dep && cMission ? dep.sustained.completedPerSecond >= 0.15 * cMission.perSecond : undefined)}`,
  );
  row(
    `as deployed: achieve -> wallet at ${dep?.latency?.rate ?? '?'}/s (half its max)`,
    '',
    '',
    lat(dep?.latency?.achieveToWalletMs),
    dep ? `${dep.latency.completedPerSecond}/s of ${dep.latency.rate}/s` : '-',
    `p99 < 250 ms${verdict(dep ? dep.latency.achieveToWalletMs.p99 < 250 && dep.latency.notCredited === 0 : undefined)}`,
  );
  if (dep?.mixed) {
    const m = dep.mixed;
    const errors = (counts: Record<string, number>) =>
      Object.entries(counts ?? {})
        .map(([k, v]) => `${k} x${v}`)
        .join(', ') || 'none';
    const missionErrors = Object.fromEntries(Object.entries(m.missions.errors ?? {}).map(([k, v]) => [k, (v as Json).count]));
    const timeouts = [missionErrors, m.exchanges.errors, m.reads.errors]
      .flatMap((counts: Record<string, number>) => Object.entries(counts ?? {}))
      .filter(([k]) => k.includes('DEADLINE') || k.includes('time-out'))
      .reduce((sum, [, v]) => sum + v, 0);
    const refusals = Object.entries(m.exchanges.errors ?? {})
      .filter(([k]) => k.startsWith('UNAVAILABLE'))
      .reduce((sum, [, v]) => sum + (v as number), 0);
    row(
      `mixed, as deployed: ${m.offered.missionsPerSecond} missions/s offered`,
      '',
      '',
      `${m.missions.completedPerSecond}/s credited, ${lat(m.missions.achieveToWalletMs)}`,
      `errors: ${errors(missionErrors)}`,
      `no time-outs, no refusals${verdict(timeouts === 0 && refusals === 0)}`,
    );
    row(
      `mixed: + ${m.offered.exchangesPerSecond} exchanges/s (REST)`,
      '',
      '',
      `${m.exchanges.ok} ok, ${lat(m.exchanges.latencyMs)}`,
      `errors: ${errors(m.exchanges.errors)}`,
      '',
    );
    row(
      `mixed: + ${m.offered.readsPerSecond} My Page reads/s (REST)`,
      '',
      '',
      `${m.reads.ok} ok, ${lat(m.reads.latencyMs)}`,
      `errors: ${errors(m.reads.errors)}`,
      '',
    );
  }
  const ex = r.exchange;
  row(
    'exchange: exchanges/s at 8 in flight',
    n(cExchange?.perSecond),
    '',
    n(ex?.exchangesPerSecond),
    `${pct(ex?.exchangesPerSecond, cExchange?.perSecond)} of ceiling`,
    `>= 25%${verdict(ex && cExchange ? ex.exchangesPerSecond >= 0.25 * cExchange.perSecond : undefined)}`,
  );
  row(
    'exchange: ExchangeReward latency, 8 in flight',
    lat(cExchange?.latencyMs),
    '',
    lat(ex?.exchangeLatencyMs),
    '',
    `p99 < 100 ms${verdict(ex ? ex.exchangeLatencyMs.p99 < 100 : undefined)}`,
  );
  // The read's ceiling is the My Page bench's own: a primary-key SELECT of the very page row the
  // service reads, same run, same driver and pool size (a smaller row's SELECT would flatter it).
  const mp = r.mypage?.getMyPage;
  const pk = r.mypage?.primaryKeySelect;
  row(
    'My Page read vs PK SELECT of its row, 1 in flight',
    pk ? `${lat(pk.sequential.latency)}, ${n(pk.sequential.perSecond)}/s` : '-',
    '',
    mp ? `${lat(mp.sequential.latency)}, ${mp.sequential.perSecond}/s` : '-',
    mp && pk ? `p99 ${times(mp.sequential.latency.p99, pk.sequential.latency.p99)} the SELECT's` : '-',
    `p99 <= 3x${verdict(mp && pk ? mp.sequential.latency.p99 <= 3 * pk.sequential.latency.p99 : undefined)}`,
  );
  row(
    'My Page read vs PK SELECT of its row, 8 in flight',
    pk ? `${lat(pk.concurrent.latency)}, ${n(pk.concurrent.perSecond)}/s` : '-',
    '',
    mp ? `${lat(mp.concurrent.latency)}, ${mp.concurrent.perSecond}/s` : '-',
    mp && pk ? `${pct(mp.concurrent.perSecond, pk.concurrent.perSecond)} of its throughput` : '-',
    `>= 50%${verdict(mp && pk ? mp.concurrent.perSecond >= 0.5 * pk.concurrent.perSecond : undefined)}`,
  );
  const gw = r.gateway?.phases as Json[] | undefined;
  const shares = r.gateway?.getWalletRestSharePercent as number[] | undefined;
  for (const operation of ['GetWallet', 'ExchangeReward']) {
    const grpc = gw?.find((p) => p.operation === operation && p.transport === 'gRPC');
    const restRow = gw?.find((p) => p.operation === operation && p.transport === 'REST');
    if (!grpc || !restRow) continue;
    row(
      `REST edge vs gRPC, 16 callers: ${operation}`,
      '',
      '',
      `REST ${n(restRow.perSecond)}/s p99 ${n(restRow.p99, 1)} ms; gRPC ${n(grpc.perSecond)}/s p99 ${n(grpc.p99, 1)} ms`,
      `${pct(restRow.perSecond, grpc.perSecond)} of gRPC${operation === 'GetWallet' && shares ? ` (ABBA rounds: ${shares.map((share) => `${share}%`).join(', ')})` : ''}`,
      `>= 85%${verdict(restRow.perSecond >= 0.85 * grpc.perSecond)}`,
    );
  }
  if (dep) {
    const total = Object.values(dep.memoryAtReady as Record<string, number>).reduce((a, b) => a + b, 0);
    const ownTotal = Object.entries(dep.memoryAtReady as Record<string, number>)
      .filter(([name]) => !name.startsWith('postgres') && !name.startsWith('load generator'))
      .reduce((sum, [, v]) => sum + v, 0);
    row(
      '`make up`: ready time, memory of its processes',
      '',
      '',
      `${(dep.readyMs / 1000).toFixed(1)} s, ${ownTotal} MiB PSS (+ Postgres backends: ${total - ownTotal - (dep.memoryAtReady['load generator (bench)'] ?? 0)} MiB)`,
      '',
      `< 15 s, < 1 GB${verdict(dep.readyMs < 15_000 && ownTotal < 1024)}`,
    );
  }
  if (r.startup) {
    row(
      '`npm start`: ready time, memory',
      '',
      '',
      `${(r.startup.medianReadyMs / 1000).toFixed(2)} s, ${r.startup.medianRssMiB} MiB RSS (median of ${r.startup.runs.length})`,
      '',
      `< 5 s${verdict(r.startup.medianReadyMs < 5000)}`,
    );
  }

  // Rows of phases that did not run (or failed) say nothing.
  const shown = rows.filter((x) => x.platform !== '-');
  const headers = ['measure', 'ceiling (1 tx)', 'naive', 'platform', 'ratio', 'target'];
  const cells = shown.map((x) => [x.what, x.ceiling, x.naive, x.platform, x.ratio, x.target]);
  const lines = [
    `Benchmark ${report.startedAt} (${report.quick ? '--quick' : 'full'}): ${report.host.cpus} CPUs, load average ${report.host.loadAverage} at start`,
    '',
    table(headers, cells),
    '',
    'CPU seconds per 1,000 missions, by process (utime + stime from /proc, the phase and its tail):',
    table(...cpuTable(r)),
  ];
  if (dep) {
    lines.push('', 'Memory per process as deployed (MiB PSS: shared pages divided among the processes sharing them):');
    const names = Object.keys(dep.memoryAtReady);
    lines.push(
      table(
        ['process', 'at ready', 'after load'],
        names.map((name) => [name, String(dep.memoryAtReady[name]), String(dep.memoryAfterLoad?.[name] ?? '-')]),
      ),
    );
  }
  const failed = Object.entries(report.failures ?? {});
  if (failed.length > 0) lines.push('', 'Failed phases:', ...failed.map(([phase, why]) => `  ${phase}: ${String(why).split('\n')[0]}`));
  return lines.join('\n');
}

function cpuTable(r: Json): [string[], string[][]] {
  const columns: [string, Record<string, number> | undefined][] = [
    [
      'ceiling',
      r.ceiling?.phases?.find((p: Json) => p.job.startsWith('mission'))?.cpuPer1000Missions ?? r.ceiling?.phases?.[0]?.cpuPerThousand,
    ],
    ['naive', r.naive?.cpuPer1000Missions],
    ['chain', r.chain?.throughput?.cpuPer1000Missions],
    ['deployed', r.deployed?.sustained?.cpuPer1000Missions],
    ['deployed mixed', r.deployed?.mixed?.missions?.cpuPer1000Missions],
  ];
  const present = columns.filter(([, values]) => values);
  // Replicas of a service summed ("wallet#0" + "wallet#1" -> "wallet (2)"), so the table stays short.
  const grouped = present.map(([name, values]) => {
    const sums: Record<string, number> = {};
    for (const [process, seconds] of Object.entries(values as Record<string, number>)) {
      const key = process.replace(/#\d+$/, ' (all replicas)');
      sums[key] = (sums[key] ?? 0) + seconds;
    }
    return [name, sums] as const;
  });
  const processes = [...new Set(grouped.flatMap(([, sums]) => Object.keys(sums)))];
  const rows = processes.map((process) => [
    process,
    ...grouped.map(([, sums]) => (sums[process] === undefined ? '-' : sums[process].toFixed(2))),
  ]);
  rows.push([
    'total',
    ...grouped.map(([, sums]) =>
      Object.values(sums)
        .reduce((a, b) => a + b, 0)
        .toFixed(2),
    ),
  ]);
  return [['process', ...grouped.map(([name]) => name)], rows];
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (cell ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
