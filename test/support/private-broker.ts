import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './eventually.js';

const run = promisify(execFile);
const BIN = '/usr/lib/rabbitmq/bin';
// Below Linux's ephemeral range, moved by TEST_PORT_OFFSET like the process-level suites' ports.
const PORT_OFFSET = Number(process.env.TEST_PORT_OFFSET ?? 0);
const AMQP_PORT = 20_500 + PORT_OFFSET;

/**
 * A RabbitMQ node of the test's own, so a test can stop and restart a broker without touching
 * the shared one: its own node name, ports, data and log directories and Erlang cookie (HOME is
 * its directory, so it cannot even talk to the shared node), no plugins. Started with
 * `rabbitmq-server -detached`, driven with `rabbitmqctl -n <node>`, removed with its directory.
 */
export class PrivateBroker {
  private constructor(
    readonly node: string,
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateBroker> {
    const dir = mkdtempSync(join(tmpdir(), 'rewards-test-broker-'));
    writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
    // Loopback only: guest may connect, and nothing listens on :: (absent on some machines).
    writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${AMQP_PORT}\n`);
    const broker = new PrivateBroker(`rewards-test-${process.pid}@localhost`, AMQP_PORT, dir);
    try {
      await broker.boot();
    } catch (error) {
      const tail = broker.logTail();
      await broker.stop();
      throw new Error(`the private RabbitMQ node did not start: ${(error as Error).message}\n${tail}`);
    }
    return broker;
  }

  /** Stops the RabbitMQ application (connections closed, queues down) and starts it again. */
  async restartApp(): Promise<void> {
    await this.ctl('stop_app');
    // The listener's socket may still be closing when start_app binds it again.
    await eventually(() => this.ctl('start_app'), { timeoutMs: 60_000, intervalMs: 500 });
    await this.ctl('await_startup', '--timeout', '120');
  }

  /** Stops the whole node (the Erlang VM) and boots it again on the same data. */
  async restartNode(): Promise<void> {
    await this.ctl('stop');
    await this.boot();
  }

  /** Queue names and types, as the node reports them. */
  async queues(): Promise<{ name: string; type: string }[]> {
    const { stdout } = await this.ctl('list_queues', '--quiet', '--no-table-headers', 'name', 'type');
    return stdout
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [name, type] = line.trim().split(/\s+/);
        return { name, type };
      });
  }

  /** Stops the node if it runs and deletes its directory. */
  async stop(): Promise<void> {
    await this.ctl('stop').catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async boot(): Promise<void> {
    await run(join(BIN, 'rabbitmq-server'), ['-detached'], { env: this.env(), cwd: this.dir });
    // -detached returns before the Erlang VM has registered the node with epmd, and await_startup
    // gives up at once on a node it cannot find (seen on a loaded machine): ask until it is there.
    await eventually(() => this.ctl('await_startup', '--timeout', '120'), { timeoutMs: 90_000, intervalMs: 500 });
  }

  /** The end of the node's logs, for an error that says why it did not start. */
  logTail(): string {
    try {
      const logs = join(this.dir, 'log');
      return readdirSync(logs)
        .filter((name) => name.endsWith('.log'))
        .map((name) => `${name}:\n${readFileSync(join(logs, name), 'utf8').split('\n').slice(-20).join('\n')}`)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }

  private ctl(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run(join(BIN, 'rabbitmqctl'), ['-n', this.node, ...args], { env: this.env(), cwd: this.dir, timeout: 150_000 });
  }

  private env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: this.dir,
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.port + 1),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
      RABBITMQ_PID_FILE: join(this.dir, 'pid'),
    };
  }
}
