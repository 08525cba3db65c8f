import { readdirSync, readFileSync } from 'node:fs';
import type { TestSystem } from '../test/support/test-system.js';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

/** The snapshot's entry for Postgres commits in the run's database (a count, not milliseconds). */
const TRANSACTIONS = 'postgres transactions (count)';

/** CPU milliseconds used so far, by process label. */
export type CpuSnapshot = ReadonlyMap<string, number>;

/**
 * CPU time of every process a mission passes through, read from /proc (Linux only; elsewhere
 * the snapshot is empty): this process and its children (services run as processes are
 * labelled by their service), the Postgres backends serving this run's database (by the
 * connecting service's application_name), and the RabbitMQ node. The broker and Postgres's
 * background writers are shared with whatever else runs on the machine: their figures are an
 * upper bound when other work is going on.
 */
export class ProcessCpu {
  constructor(private readonly system: TestSystem) {}

  async snapshot(): Promise<CpuSnapshot> {
    const totals = new Map<string, number>();
    const add = (label: string, ms: number) => totals.set(label, (totals.get(label) ?? 0) + ms);
    let processes: { pid: number; ppid: number; comm: string; ms: number }[];
    try {
      processes = readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .flatMap((name) => {
          const stat = readStat(Number(name));
          return stat ? [stat] : [];
        });
    } catch {
      return totals;
    }
    const children = new Map<number, number[]>();
    for (const { pid, ppid } of processes) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    const ours = new Set<number>();
    const visit = (pid: number) => {
      ours.add(pid);
      for (const child of children.get(pid) ?? []) visit(child);
    };
    visit(process.pid);
    const backends = new Map<number, string>();
    if (this.system.mode === 'servers') {
      // Not CPU, but what Postgres's CPU is spent on: committed transactions in this run's database.
      const [stats] = await this.system.query<{ commits: string }>(
        `select xact_commit as commits from pg_stat_database where datname = 'game_${this.system.id}'`,
      );
      totals.set(TRANSACTIONS, Number(stats?.commits ?? 0));
      const rows = await this.system.query<{ pid: number; application_name: string }>(
        `select pid, application_name from pg_stat_activity where datname = 'game_${this.system.id}' and pid <> pg_backend_pid()`,
      );
      for (const row of rows) backends.set(Number(row.pid), row.application_name || 'other');
    }
    for (const proc of processes) {
      if (ours.has(proc.pid)) {
        if (proc.comm !== 'node' && proc.comm !== 'MainThread') continue;
        add(proc.pid === process.pid ? 'node: bench' : `node: ${serviceOf(proc.pid)}`, proc.ms);
      } else if (backends.has(proc.pid)) add(`postgres: ${backends.get(proc.pid)}`, proc.ms);
      else if (proc.comm === 'beam.smp') add('rabbitmq (whole node)', proc.ms);
      else if (/^postgres$/.test(proc.comm) && /walwriter|checkpointer|background writer/.test(cmdline(proc.pid)))
        add('postgres: background writers (shared)', proc.ms);
    }
    return totals;
  }
}

/** Per label, CPU milliseconds between two snapshots divided by the missions done in between. */
export function cpuPerMission(before: CpuSnapshot, after: CpuSnapshot, missions: number): Map<string, number> {
  const result = new Map<string, number>();
  for (const [label, ms] of after) result.set(label, (ms - (before.get(label) ?? 0)) / Math.max(1, missions));
  return result;
}

export function formatCpuPerMission(phase: string, perMission: ReadonlyMap<string, number>): string {
  const rows = [...perMission].filter(([label]) => label !== TRANSACTIONS).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
  return [
    `[${phase}] CPU ms per credited mission, by process (total ${total.toFixed(2)}):`,
    ...rows.map(([label, ms]) => `  ${label.padEnd(40)} ${ms.toFixed(3)}`),
    `  Postgres commits per mission in the run's database: ${(perMission.get(TRANSACTIONS) ?? 0).toFixed(2)} (includes the bench's own polling)`,
  ].join('\n');
}

function readStat(pid: number): { pid: number; ppid: number; comm: string; ms: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { pid, ppid: Number(fields[1]), comm, ms: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function serviceOf(pid: number): string {
  return /services\/([a-z-]+)\//.exec(cmdline(pid))?.[1] ?? `pid ${pid}`;
}
