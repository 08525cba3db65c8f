import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { credentials, Metadata, status } from '@grpc/grpc-js';
import { HealthCheckResponse_ServingStatus, HealthClient } from '#contracts/generated/grpc/health/v1/health';

/** Longer than the platform clients' maximum reconnect backoff (1 s). */
const MIN_READY_MS = 2000;

/** One replica of a service running as its own OS process. */
export interface ServiceProcess {
  readonly service: string;
  readonly replica: number;
  readonly port: number;
  /** Its Prometheus endpoint: http://127.0.0.1:<metricsPort>/metrics. */
  readonly metricsPort: number;
  readonly child: ChildProcess;
}

export interface SupervisorOptions {
  /** The repository root (entry points are services/<service>/src/main.ts below it); the processes' cwd. */
  root: string;
  /**
   * Run the compiled tree instead of the TypeScript sources: `node [nodeArgs]
   * <dir>/services/<service>/src/main.js`, as the container image does (scripts/deploy/
   * build-runtime.ts writes it). Default: the sources, through tsx.
   */
  compiled?: { dir: string; nodeArgs?: readonly string[] };
  /** Environment shared by every process (DATABASE_URL, AMQP_URL, queue names, ...). */
  env: NodeJS.ProcessEnv;
  /** Where each process's output goes (<service>-<replica>.log). */
  logDir: string;
  /** Let processes outlive this one (`make up` returns while the cluster keeps running). */
  detached?: boolean;
  /** How long a process may take to be SERVING (or listening) after it is spawned; default 60 s. */
  startTimeoutMs?: number;
  /**
   * Restart a replica that exits without being asked to, as a kubelet does: after
   * initialBackoffMs, doubling on each crash up to maxBackoffMs (CrashLoopBackOff), and back to
   * the first delay once a replica has run for resetAfterMs.
   */
  restart?: { initialBackoffMs: number; maxBackoffMs: number; resetAfterMs: number; onEvent?: (event: RestartEvent) => void };
}

/** What the supervisor did about a replica that exited on its own. */
export interface RestartEvent {
  readonly kind: 'crashed' | 'restarted' | 'restart-failed';
  readonly service: string;
  readonly replica: number;
  readonly restarts: number;
  readonly exitCode?: number | null;
  readonly signal?: NodeJS.Signals | null;
  readonly delayMs?: number;
  readonly pid?: number;
  readonly error?: unknown;
}

/** Where a process started on `port` serves its metrics: 1000 above it (gRPC 30051 -> metrics 31051). */
export function metricsPortFor(port: number): number {
  return port + 1000;
}

/** Port of a replica: the service's base port, plus 100 per replica after the first. */
export function replicaPort(basePort: number, replica: number): number {
  return basePort + 100 * replica;
}

/**
 * Runs services as separate processes, the way the cluster does, without containers: start a
 * replica and wait until its gRPC health check says SERVING, stop one with SIGTERM (graceful:
 * readiness off, calls and messages drained) or SIGKILL (a crash), and replace replicas one at
 * a time (a rolling restart).
 */
export class ProcessSupervisor {
  private readonly processes = new Set<ServiceProcess>();
  /** Processes being stopped on purpose: their exit is not a crash. */
  private readonly stopping = new Set<ServiceProcess>();
  private readonly restartCounts = new Map<string, number>();
  private readonly backoffs = new Map<string, number>();
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private shuttingDown = false;

  constructor(private readonly options: SupervisorOptions) {
    mkdirSync(options.logDir, { recursive: true });
  }

  private get startTimeoutMs(): number {
    return this.options.startTimeoutMs ?? 60_000;
  }

  get running(): ServiceProcess[] {
    return [...this.processes];
  }

  async start(service: string, replica: number, port: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
    const started = this.spawn(service, replica, port, { ...extraEnv, [`${service.toUpperCase()}_GRPC_PORT`]: String(port) });
    await waitUntilServing(`127.0.0.1:${port}`, started.child, this.startTimeoutMs);
    return started;
  }

  /** Times a replica was restarted after crashing. */
  restarts(service: string, replica: number): number {
    return this.restartCounts.get(`${service}#${replica}`) ?? 0;
  }

  private onExit(exited: ServiceProcess, extraEnv: NodeJS.ProcessEnv, startedAt: number): void {
    const policy = this.options.restart;
    if (!policy || this.shuttingDown || this.stopping.delete(exited)) return;
    const key = `${exited.service}#${exited.replica}`;
    const ranLong = Date.now() - startedAt >= policy.resetAfterMs;
    const delayMs = ranLong ? policy.initialBackoffMs : (this.backoffs.get(key) ?? policy.initialBackoffMs);
    this.backoffs.set(key, Math.min(delayMs * 2, policy.maxBackoffMs));
    const { exitCode, signalCode } = exited.child;
    policy.onEvent?.({
      kind: 'crashed',
      service: exited.service,
      replica: exited.replica,
      restarts: this.restarts(exited.service, exited.replica),
      exitCode,
      signal: signalCode,
      delayMs,
    });
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (this.shuttingDown) return;
      this.restartCounts.set(key, this.restarts(exited.service, exited.replica) + 1);
      const restarts = this.restarts(exited.service, exited.replica);
      const again = this.spawn(exited.service, exited.replica, exited.port, extraEnv);
      const up =
        exited.service === 'gateway'
          ? waitUntilListening(exited.port, again.child, this.startTimeoutMs)
          : waitUntilServing(`127.0.0.1:${exited.port}`, again.child, this.startTimeoutMs);
      up.then(
        () => policy.onEvent?.({ kind: 'restarted', service: exited.service, replica: exited.replica, restarts, pid: again.child.pid }),
        (error: unknown) => policy.onEvent?.({ kind: 'restart-failed', service: exited.service, replica: exited.replica, restarts, error }),
      );
    }, delayMs);
    this.restartTimers.add(timer);
  }

  /** The REST gateway as its own process, in front of the services (its env names their targets). */
  async startGateway(port: number): Promise<ServiceProcess> {
    const started = this.spawn('gateway', 0, port, { GATEWAY_PORT: String(port) });
    await waitUntilListening(port, started.child, this.startTimeoutMs);
    return started;
  }

  /** The embedded development identity provider as its own process (its issuer: http://localhost:<port>). */
  async startIdentity(port: number): Promise<ServiceProcess> {
    const started = this.spawn('identity', 0, port, { IDENTITY_PORT: String(port) });
    await waitUntilListening(port, started.child, this.startTimeoutMs);
    return started;
  }

  private spawn(service: string, replica: number, port: number, extraEnv: NodeJS.ProcessEnv): ServiceProcess {
    const log = openSync(join(this.options.logDir, `${service}-${replica}.log`), 'a');
    const child = spawn(process.execPath, this.entryPoint(service), {
      cwd: this.options.root,
      env: { ...process.env, ...this.options.env, METRICS_PORT: String(metricsPortFor(port)), ...extraEnv },
      stdio: ['ignore', log, log],
      detached: this.options.detached ?? false,
    });
    closeSync(log);
    if (this.options.detached) child.unref();
    const started: ServiceProcess = { service, replica, port, metricsPort: metricsPortFor(port), child };
    this.processes.add(started);
    const startedAt = Date.now();
    child.once('exit', () => {
      this.processes.delete(started);
      this.onExit(started, extraEnv, startedAt);
    });
    return started;
  }

  /** How node runs a service: its compiled main.js, or its main.ts through tsx. */
  private entryPoint(service: string): string[] {
    const { compiled } = this.options;
    if (!compiled) return ['--import', 'tsx', join('services', service, 'src', 'main.ts')];
    return [...(compiled.nodeArgs ?? []), join(compiled.dir, 'services', service, 'src', 'main.js')];
  }

  /** SIGTERM and wait for the process to finish its graceful shutdown. */
  async stop(target: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (target.child.exitCode !== null || target.child.signalCode !== null) return target.child.exitCode;
    this.stopping.add(target);
    const exited = once(target.child, 'exit');
    target.child.kill(signal);
    const [code] = (await exited) as [number | null];
    return code;
  }

  /**
   * Replaces every replica of a service, one at a time: each is SERVING, and has stayed so for
   * minReadyMs (Kubernetes' minReadySeconds), before the next goes. The pause outlasts clients'
   * reconnect backoff (SERVICE_CLIENT_OPTIONS), so they are connected to the new replica again.
   */
  async rollingRestart(service: string, minReadyMs = MIN_READY_MS): Promise<void> {
    const replicas = this.running.filter((p) => p.service === service).sort((a, b) => a.replica - b.replica);
    for (const old of replicas) {
      await this.stop(old);
      await this.start(service, old.replica, old.port);
      await new Promise((resolve) => setTimeout(resolve, minReadyMs));
    }
  }

  async stopAll(): Promise<void> {
    this.shuttingDown = true;
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
    await Promise.all(this.running.map((p) => this.stop(p)));
  }
}

/** Rejects once the child exits (a start-up that failed): readiness waits race against it. */
function exitOf(child: ChildProcess | undefined, what: string): { exited: Promise<never>; dispose(): void } {
  if (!child) return { exited: new Promise<never>(() => {}), dispose: () => {} };
  let onExit: (code: number | null) => void = () => {};
  const exited = new Promise<never>((_, reject) => {
    onExit = (code) => reject(new Error(`process for ${what} exited with ${code}`));
    if (child.exitCode !== null) onExit(child.exitCode);
    else child.once('exit', onExit);
  });
  exited.catch(() => {});
  return { exited, dispose: () => child.off('exit', onExit) };
}

async function withDeadline<T>(
  work: Promise<T>,
  child: ChildProcess | undefined,
  what: string,
  timeoutMs: number,
  late: string,
): Promise<T> {
  const exit = exitOf(child, what);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(late)), timeoutMs);
  });
  try {
    return await Promise.race([work, exit.exited, deadline]);
  } finally {
    clearTimeout(timer);
    exit.dispose();
  }
}

/** Gap between connection attempts while a process is still starting (connect() on loopback fails at once). */
const CONNECT_RETRY_MS = 50;

/** Waits until something accepts TCP connections on the port; fails as soon as the process dies. */
async function waitUntilListening(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  let done = false;
  const listening = (async () => {
    while (!done) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (open) return;
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS));
    }
  })();
  try {
    await withDeadline(listening, child, `port ${port}`, timeoutMs, `nothing listening on ${port} after ${timeoutMs} ms`);
  } finally {
    done = true;
  }
}

/**
 * Resolves when grpc.health.v1 says SERVING, told by the server: one Watch call, queued until the
 * channel connects (waitForReady, reconnecting every CONNECT_RETRY_MS or so while the process
 * starts), then streaming each status change, so SERVING is seen the moment it is set rather
 * than at the next poll. Fails as soon as the process dies, or after timeoutMs.
 */
export async function waitUntilServing(address: string, child: ChildProcess | undefined, timeoutMs: number): Promise<void> {
  const client = new HealthClient(address, credentials.createInsecure(), {
    'grpc.initial_reconnect_backoff_ms': CONNECT_RETRY_MS,
    'grpc.max_reconnect_backoff_ms': 4 * CONNECT_RETRY_MS,
  });
  const call = client.watch({ service: '' }, new Metadata({ waitForReady: true }));
  const serving = new Promise<void>((resolve, reject) => {
    call.on('data', (response: { status: HealthCheckResponse_ServingStatus }) => {
      if (response.status === HealthCheckResponse_ServingStatus.SERVING) resolve();
    });
    call.on('error', (error: Error & { code?: number }) => {
      if (error.code !== status.CANCELLED) reject(error);
    });
    call.on('end', () => reject(new Error(`${address} ended its health watch before SERVING`)));
  });
  try {
    await withDeadline(serving, child, address, timeoutMs, `${address} not SERVING after ${timeoutMs} ms`);
  } finally {
    call.cancel();
    client.close();
  }
}
