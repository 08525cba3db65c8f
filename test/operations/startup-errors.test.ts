import { createServer, type Server } from 'node:net';
import { expect } from 'chai';
import { cleanEnv, EntryPointProcess, movedPorts } from '#testing/entry-point-process';
import { TEST_AMQP_URL, TEST_DATABASE_URL } from '#testing/test-system';

const LAUNCHER = ['services/launcher/src/main.ts'];

interface Failure {
  readonly code: number | null;
  readonly line: string;
  readonly stdout: string;
}

/** Runs an entry point that must fail to start: its exit code, its stderr (one line expected) and stdout. */
async function failedStart(args: readonly string[], env: Record<string, string>, options: { shell?: boolean } = {}): Promise<Failure> {
  const ports = await movedPorts();
  const process = EntryPointProcess.start(args, cleanEnv({ ...ports.env, GRPC_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }), options);
  const code = await process.waitForExit(120_000);
  return { code, line: process.stderr, stdout: process.stdout };
}

function expectOneLine(failure: Failure, ...parts: string[]): void {
  expect(failure.code, failure.line + failure.stdout).to.equal(1);
  expect(failure.line.trimEnd().split('\n'), failure.line).to.have.length(1);
  expect(failure.line).to.match(/^cannot start: /);
  for (const part of parts) expect(failure.line).to.include(part);
}

/** Log lines (JSON) of stdout with this message. */
function logged(stdout: string, msg: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === msg);
}

function holdPort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

/** A database URL of the test server with another database name or user. */
function databaseUrl(change: (url: URL) => void): string {
  const url = new URL(TEST_DATABASE_URL);
  change(url);
  return url.toString();
}

/**
 * What an operator sees when a start fails: the real entry points as processes, one line on
 * stderr naming the variable or port and what to do, exit code 1, and no work done before a
 * setting is found wrong.
 */
describe('Start-up failures: one line naming the setting and what to do', function () {
  this.timeout(150_000);

  describe('settings are checked before any work starts', () => {
    it('npm start with a bad LOG_LEVEL fails at once, before the web build and before any server is opened', async () => {
      const failure = await failedStart(['npm', '-s', 'start'], { LOG_LEVEL: 'loud' }, { shell: true });
      expectOneLine(failure, 'LOG_LEVEL', '"loud"', 'debug, info, warn, error, silent');
      expect(failure.stdout).to.equal('');
    });

    it('a bad setting of one service (WALLET_GIFT_TIMEOUT_MS) fails the whole launcher before anything starts', async () => {
      const failure = await failedStart(LAUNCHER, { WALLET_GIFT_TIMEOUT_MS: 'soon' });
      expectOneLine(failure, 'WALLET_GIFT_TIMEOUT_MS', '"soon"');
      expect(failure.stdout).to.equal('');
    });

    it('a DATABASE_URL that is no Postgres URL names the variable and the protocol it needs', async () => {
      const failure = await failedStart(LAUNCHER, { DATABASE_URL: 'mysql://root@127.0.0.1/game' });
      expectOneLine(failure, 'DATABASE_URL', 'postgres://');
    });
  });

  describe('ports in use', () => {
    let held: Server | undefined;
    afterEach(() => held?.close());

    it("a service's gRPC port in use names the port and its variable, before the other services start", async () => {
      const ports = await movedPorts();
      held = await holdPort(ports.grpc.reward);
      const failure = await failedStart(LAUNCHER, ports.env);
      expectOneLine(failure, `port ${ports.grpc.reward} is already in use`, 'REWARD_GRPC_PORT', 'free port');
      expect(logged(failure.stdout, 'service ready')).to.have.length(0);
    });

    it("the gateway's port (8080 by default) in use is found before the seven services start, not after", async () => {
      const ports = await movedPorts();
      held = await holdPort(ports.gateway);
      const failure = await failedStart(LAUNCHER, ports.env);
      expectOneLine(failure, `port ${ports.gateway} is already in use`, 'GATEWAY_PORT');
      expect(logged(failure.stdout, 'service ready')).to.have.length(0);
    });

    it('a service run alone (services/mission/src/main.ts) says the same for its port', async () => {
      const ports = await movedPorts();
      held = await holdPort(ports.grpc.mission);
      const failure = await failedStart(['services/mission/src/main.ts'], ports.env);
      expectOneLine(failure, `port ${ports.grpc.mission} is already in use`, 'MISSION_GRPC_PORT');
    });

    it('the gateway run alone (services/gateway/src/main.ts) too', async () => {
      const ports = await movedPorts();
      held = await holdPort(ports.gateway);
      const failure = await failedStart(['services/gateway/src/main.ts'], ports.env);
      expectOneLine(failure, `port ${ports.gateway} is already in use`, 'GATEWAY_PORT');
    });
  });

  describe('Postgres (DATABASE_URL)', () => {
    it('a database that does not exist: given up at once, the cause said (not DrizzleQueryError: Failed query: CREATE SCHEMA)', async () => {
      const failure = await failedStart(LAUNCHER, { DATABASE_URL: databaseUrl((url) => (url.pathname = '/no_such_database_here')) });
      expectOneLine(failure, 'Postgres at', 'no_such_database_here', 'DATABASE_URL', '3D000');
      expect(failure.line).to.not.include('DrizzleQueryError');
      expect(logged(failure.stdout, 'connecting to Postgres')).to.have.length(1);
    });

    it('a login the server refuses (no such role): given up at once, naming the user and the variable', async () => {
      const failure = await failedStart(LAUNCHER, { DATABASE_URL: databaseUrl((url) => (url.username = 'no_such_role_here')) });
      expectOneLine(failure, 'refused the login', 'no_such_role_here', 'DATABASE_URL');
      expect(logged(failure.stdout, 'connecting to Postgres')).to.have.length(1);
    });

    it('a closed port: each attempt logged with the URL without its password, then a final line after the bounded retries', async () => {
      const closed = (await movedPorts()).gateway;
      const url = databaseUrl((u) => {
        u.port = String(closed);
        u.password = 'secret-pw';
      });
      const failure = await failedStart(LAUNCHER, { DATABASE_URL: url, DATABASE_CONNECT_RETRIES: '2' });
      expectOneLine(
        failure,
        `Postgres at`,
        `:${closed}`,
        'did not answer after 3 attempts',
        'ECONNREFUSED',
        'start Postgres, or fix DATABASE_URL',
      );
      const attempts = logged(failure.stdout, 'connecting to Postgres');
      expect(attempts.map((entry) => entry.attempt)).to.deep.equal([1, 2, 3]);
      expect(failure.stdout + failure.line).to.not.include('secret-pw');
    });
  });

  describe('RabbitMQ (AMQP_URL)', () => {
    it('wrong credentials (ACCESS_REFUSED): one attempt, then one line naming RabbitMQ, the URL without the password, and AMQP_URL', async () => {
      const url = new URL(TEST_AMQP_URL);
      url.password = 'wrong-password';
      const failure = await failedStart(LAUNCHER, { AMQP_URL: url.toString() });
      expectOneLine(failure, 'RabbitMQ at', `${url.hostname}:${url.port || 5672}`, 'ACCESS_REFUSED', 'AMQP_URL');
      expect(logged(failure.stdout, 'connecting to RabbitMQ')).to.have.length(1);
      expect(failure.stdout + failure.line).to.not.include('wrong-password');
    });

    it('a closed port: the "starting" line first, each attempt logged, then a final line after the bounded retries', async () => {
      const closed = (await movedPorts()).gateway;
      const failure = await failedStart(LAUNCHER, { AMQP_URL: `amqp://guest:guest@127.0.0.1:${closed}`, AMQP_CONNECT_RETRIES: '2' });
      expectOneLine(
        failure,
        `RabbitMQ at amqp://guest@127.0.0.1:${closed}`,
        'after 3 attempts',
        'ECONNREFUSED',
        'start RabbitMQ, or fix AMQP_URL',
      );
      expect(logged(failure.stdout, 'starting the platform')).to.have.length(1);
      expect(logged(failure.stdout, 'connecting to RabbitMQ').map((entry) => entry.attempt)).to.deep.equal([1, 2, 3]);
    });

    it('a service run alone with wrong credentials says the same', async () => {
      const url = new URL(TEST_AMQP_URL);
      url.password = 'wrong-password';
      const failure = await failedStart(['services/reward/src/main.ts'], {
        AMQP_URL: url.toString(),
        DATABASE_URL: TEST_DATABASE_URL,
        // A service alone needs its issuer named; the broker's refusal comes before it is asked.
        AUTH_ISSUER: 'http://127.0.0.1:9',
      });
      expectOneLine(failure, 'RabbitMQ at', 'ACCESS_REFUSED', 'AMQP_URL');
    });
  });
});
