/**
 * CPU time and resident memory of processes on this machine, from Linux's /proc: what each
 * process of a run (the bench, each service replica, the run's Postgres backends, RabbitMQ's
 * beam.smp) spent, read before and after a phase. CPU time is far less sensitive than
 * throughput to other work on a shared machine, so it is the fairer per-mission cost.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** A named group of processes whose CPU seconds are summed (e.g. "wallet#0", "postgres backends"). */
export interface ProcessGroup {
  readonly name: string;
  /** The pids now in the group (looked up again at every snapshot: backends come and go). */
  readonly pids: () => readonly number[];
}

export type CpuSnapshot = ReadonlyMap<string, { seconds: number; pids: ReadonlyMap<number, number> }>;

/** utime + stime of one process in seconds, or undefined once it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted after its closing paren.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Resident memory (VmRSS) of one process in MiB, 0 once it is gone. */
export function rssMiBOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/**
 * Proportional memory (Pss) in MiB: each shared page divided among the processes sharing it, so
 * a sum over Postgres backends does not count shared_buffers once per backend.
 */
export function pssMiBOf(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024;
  } catch {
    return rssMiBOf(pid);
  }
}

/**
 * Memory of each group now, MiB, as PSS: a page shared by several processes (node's own code,
 * shared libraries, Postgres' shared buffers) counts once in the sum, divided among them, so the
 * total is the memory the processes take in all (RSS summed counts node's binary once per
 * process: 17 processes of `make up` summed to 1.7 GB RSS for 0.9 GB PSS, and the machine's
 * MemAvailable fell by the PSS figure). Shared groups left out.
 */
export function memoryOf(groups: readonly ProcessGroup[]): Record<string, number> {
  return Object.fromEntries(
    groups
      .filter((group) => !group.name.includes('shared'))
      .map((group) => {
        return [group.name, Math.round(group.pids().reduce((sum, pid) => sum + pssMiBOf(pid), 0))];
      }),
  );
}

function processes(): { pid: number; comm: string; cmdline: string }[] {
  const found: { pid: number; comm: string; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      found.push({ pid: Number(entry), comm, cmdline });
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

/** The Postgres backends serving one database (their title reads "postgres: ... <user> <db> <host>..."). */
export function postgresBackendsOf(database: string): number[] {
  return processes()
    .filter((p) => p.comm === 'postgres' && p.cmdline.includes(` ${database} `))
    .map((p) => p.pid);
}

/**
 * The server's own processes (postmaster, WAL writer, checkpointer, background writer...): shared
 * with whatever else uses the server, but the WAL writer's work grows with our commits.
 */
export function postgresServerProcesses(): number[] {
  return processes()
    .filter((p) => p.comm === 'postgres' && !/ \d+\.\d+\.\d+\.\d+\(\d+\)| \[local\]/.test(p.cmdline))
    .map((p) => p.pid);
}

/** RabbitMQ's Erlang VM (the whole broker: shared with other users of it). */
export function rabbitMqProcesses(): number[] {
  return processes()
    .filter((p) => p.comm === 'beam.smp')
    .map((p) => p.pid);
}

/** pid and every descendant. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const { pid } of processes()) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      /* exited meanwhile */
    }
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Every group's processes and their CPU seconds now. */
export function cpuSnapshot(groups: readonly ProcessGroup[]): CpuSnapshot {
  const snapshot = new Map<string, { seconds: number; pids: Map<number, number> }>();
  for (const group of groups) {
    const pids = new Map<number, number>();
    for (const pid of group.pids()) {
      const seconds = cpuSecondsOf(pid);
      if (seconds !== undefined) pids.set(pid, seconds);
    }
    snapshot.set(group.name, { seconds: [...pids.values()].reduce((a, b) => a + b, 0), pids });
  }
  return snapshot;
}

/**
 * CPU seconds each group spent between two snapshots. A process that appeared meanwhile counts
 * from zero (a new backend); one that exited meanwhile is lost (its time is no longer readable),
 * which is why pools must stay open until the after-snapshot.
 */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const [name, { pids }] of after) {
    let seconds = 0;
    for (const [pid, now] of pids) seconds += now - (before.get(name)?.pids.get(pid) ?? 0);
    spent[name] = Math.round(seconds * 100) / 100;
  }
  return spent;
}

/** Groups every run has: the bench process itself, the run's Postgres backends, the server's own, RabbitMQ. */
export function commonGroups(database: string | undefined, self = true): ProcessGroup[] {
  return [
    ...(self ? [{ name: 'bench process', pids: () => [process.pid] }] : []),
    ...(database ? [{ name: 'postgres backends', pids: () => postgresBackendsOf(database) }] : []),
    { name: 'postgres server (shared)', pids: postgresServerProcesses },
    { name: 'rabbitmq beam.smp (shared)', pids: rabbitMqProcesses },
  ];
}

/** CPU seconds per 1,000 units (missions, exchanges), by group. */
export function perThousand(spent: Record<string, number>, units: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(spent).map(([name, seconds]) => [name, units > 0 ? Math.round((seconds / units) * 1000 * 100) / 100 : 0]),
  );
}
