import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES } from '#contracts/service-catalog';
import { AccessPolicies, CallerRole } from '#platform/auth/access-policy';
import { loadDescriptorRegistry } from '../../services/gateway/src/descriptor/descriptor-registry.js';
import { RouteTable } from '../../services/gateway/src/routing/route-table.js';
import { type DevRole, DevTokenClient } from '../../services/identity/src/dev-token-client.js';
import { freePortsBelowEphemeral } from './free-ports.js';
import { devRoleAllowed } from './test-identities.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The catalog's services, whose gRPC ports `npm start` and `make up` take from `<SERVICE>_GRPC_PORT`. */
export const PLATFORM_SERVICES = SERVICE_NAMES;

/**
 * One of the project's real entry points (`npm start`'s launcher, `make up`, a service's main)
 * run as an OS process, the way a user runs it: its stdout and stderr are kept for assertions.
 */
export class EntryPointProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** `args` run by node with tsx from the repository root, or `command` through bash. */
  static start(args: readonly string[], env: NodeJS.ProcessEnv, options: { shell?: boolean } = {}): EntryPointProcess {
    const child = options.shell
      ? spawn('bash', ['-c', args.join(' ')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    return new EntryPointProcess(child);
  }

  /** Resolves once stdout has a line matching; fails if the process exits first or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.stdout);
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`exited with ${this.child.exitCode} before ${pattern}:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} after ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits for the process to end by itself (a start-up failure); kills it after timeoutMs. */
  async waitForExit(timeoutMs: number): Promise<number | null> {
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM to the whole process group (npm, tsx and node), then waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }

  tail(): string {
    return `--- stdout\n${this.stdout.slice(-3000)}\n--- stderr\n${this.stderr.slice(-3000)}`;
  }

  private kill(signal: NodeJS.Signals): void {
    try {
      process.kill(-(this.child.pid as number), signal);
    } catch {
      /* gone already */
    }
  }
}

/** Free ports for every service and the gateway, as the environment `npm start` / `make up` read. */
export async function movedPorts(): Promise<{
  env: Record<string, string>;
  grpc: Record<string, number>;
  gateway: number;
  identity: number;
}> {
  // Below the ephemeral range, each with room for a second replica and its metrics (make up's layout).
  const ports = await freePortsBelowEphemeral(PLATFORM_SERVICES.length + 3);
  const grpc = Object.fromEntries(PLATFORM_SERVICES.map((service, i) => [service, ports[i]]));
  const [gateway, identity, metrics] = ports.slice(PLATFORM_SERVICES.length);
  const env: Record<string, string> = { GATEWAY_PORT: String(gateway), IDENTITY_PORT: String(identity), METRICS_PORT: String(metrics) };
  for (const service of PLATFORM_SERVICES) env[`${service.toUpperCase()}_GRPC_PORT`] = String(grpc[service]);
  return { env, grpc, gateway, identity };
}

/** The environment without anything that would point a copy at another one's servers. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      /(_GRPC_PORT|_ADDRESS|_DATABASE_URL)$/.test(name) ||
      ['DATABASE_URL', 'AMQP_URL', 'GATEWAY_PORT', 'LOG_LEVEL', 'PGLITE_DIR', 'AUTH_ISSUER', 'IDENTITY_PORT', 'METRICS_PORT'].includes(name)
    )
      continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Authorization for a copy's REST edge from that copy's own development identity provider: the
 * route table finds the RPC a request is, and its access option (proto/) the role to sign in as:
 * the player's when it allows players, else a client holding a role it allows.
 */
export async function copyAuthorizer(
  identityPort: number,
  player: string,
): Promise<(method: string, path: string) => Promise<Record<string, string>>> {
  const tokens = await DevTokenClient.discover(`http://localhost:${identityPort}`);
  const routes = new RouteTable(loadDescriptorRegistry());
  const policies = AccessPolicies.load();
  const issued = new Map<DevRole, Promise<string>>();
  const tokenOf = (role: DevRole) => {
    if (!issued.has(role)) issued.set(role, tokens.token(role, role === 'player' ? player : undefined));
    return issued.get(role) as Promise<string>;
  };
  return async (method, path): Promise<Record<string, string>> => {
    const match = routes.lookup(method, path.split('?')[0] as string);
    const policy = match ? policies.forPath(match.route.grpcPath) : undefined;
    if (!policy) return {};
    const role = policy.allow.includes(CallerRole.CALLER_ROLE_PLAYER) ? 'player' : devRoleAllowed(policy.allow);
    return role ? { authorization: `Bearer ${await tokenOf(role)}` } : {};
  };
}
