import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { HealthCheckResponse_ServingStatus, HealthClient } from '#contracts/generated/grpc/health/v1/health';
import { call, callError, insecure } from '#testing/grpc-call';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';

/**
 * What tools see on every service's port without any proto file: server reflection (driven by
 * the real `buf curl` CLI, as an operator would) and grpc.health.v1 readiness.
 */

const BUF = fileURLToPath(new URL('../../node_modules/.bin/buf', import.meta.url));
const GRPC = ['curl', '--protocol', 'grpc', '--http2-prior-knowledge'];
const UNKNOWN_ID = '5d1e9a7c-3b2f-4c8d-9e0a-6f7b8c9d0e1f';

interface Output {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `buf` with the given arguments; a failing exit is returned, not thrown. */
async function buf(args: string[]): Promise<Output> {
  try {
    const { stdout, stderr } = await promisify(execFile)(BUF, args, { timeout: 30_000 });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { exitCode: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const SERVICES = [
  {
    name: 'mission',
    fullName: 'game.mission.v1.MissionService',
    methods: ['AchieveMission', 'GetMission', 'ListMissions'],
    notFound: { method: 'GetMission', body: { mission_id: UNKNOWN_ID }, errorCode: 'MISSION_NOT_FOUND' },
    invalid: { method: 'GetMission', body: { mission_id: 'not-a-uuid' }, field: 'mission_id' },
  },
  {
    name: 'reward',
    fullName: 'game.reward.v1.RewardService',
    methods: ['GetReward', 'ListRewards'],
    notFound: { method: 'GetReward', body: { reward_id: UNKNOWN_ID }, errorCode: 'REWARD_NOT_FOUND' },
    invalid: { method: 'ListRewards', body: { customer_id: 'c-1', page_size: 101 }, field: 'page_size' },
  },
  {
    name: 'wallet',
    fullName: 'game.wallet.v1.WalletService',
    methods: ['GetWallet'],
    notFound: { method: 'GetWallet', body: { customer_id: 'nobody-by-reflection' }, errorCode: 'WALLET_NOT_FOUND' },
    invalid: { method: 'GetWallet', body: { customer_id: 'has space' }, field: 'customer_id' },
  },
] as const;

describe('Server reflection and health on every service port', function () {
  this.timeout(60_000);
  let system: TestSystem;
  const healthClients: HealthClient[] = [];

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(rewardModule);
    await system.start(walletModule);
    await system.start(missionModule);
  });

  after(async () => {
    for (const client of healthClients) client.close();
    await system?.close();
  });

  const url = (serviceName: string, path = '') => `http://${system.address(serviceName)}${path}`;

  /** `-H authorization: Bearer ...` for a call, as the player it names or a role the RPC allows. */
  async function bearer(path: string, body: Record<string, unknown>): Promise<string[]> {
    const token = await system.tokens.tokenForCall('request-owner', path, { customerId: body.customer_id });
    return token ? ['-H', `authorization: Bearer ${token}`] : [];
  }

  function healthClient(serviceName: string): HealthClient {
    const client = new HealthClient(system.address(serviceName), insecure());
    healthClients.push(client);
    return client;
  }

  for (const service of SERVICES) {
    describe(`the ${service.name} service`, () => {
      it(`lists ${service.methods.join(', ')} and grpc.health.v1.Health/Check through reflection (buf curl --list-methods)`, async () => {
        const { exitCode, stdout, stderr } = await buf([...GRPC, '--list-methods', url(service.name)]);
        expect(exitCode, stderr).to.equal(0);
        const listed = stdout.split('\n').filter((line) => line !== '');
        for (const method of service.methods) expect(listed).to.include(`${service.fullName}/${method}`);
        expect(listed).to.include('grpc.health.v1.Health/Check');
      });

      it(`answers ${service.notFound.method} called by reflection with JSON and an unknown id as not_found`, async () => {
        const { exitCode, stdout, stderr } = await buf([
          ...GRPC,
          ...(await bearer(`/${service.fullName}/${service.notFound.method}`, service.notFound.body)),
          '-d',
          JSON.stringify(service.notFound.body),
          url(service.name, `/${service.fullName}/${service.notFound.method}`),
        ]);
        expect(exitCode).to.not.equal(0);
        const output = `${stdout}${stderr}`;
        expect(output).to.match(/"code":\s*"not_found"/);
        expect(output).to.not.match(/unimplemented|unknown (service|method)|could not resolve/i);
      });

      it(`sends error-code ${service.notFound.errorCode} in the trailers of a reflection call that finds nothing (buf curl -v)`, async () => {
        const { stderr } = await buf([
          ...GRPC,
          ...(await bearer(`/${service.fullName}/${service.notFound.method}`, service.notFound.body)),
          '-v',
          '-d',
          JSON.stringify(service.notFound.body),
          url(service.name, `/${service.fullName}/${service.notFound.method}`),
        ]);
        expect(stderr.toLowerCase()).to.include(`error-code: ${service.notFound.errorCode.toLowerCase()}`);
      });

      it(`answers malformed JSON input to ${service.invalid.method} by reflection as invalid_argument naming ${service.invalid.field}`, async () => {
        const { exitCode, stdout, stderr } = await buf([
          ...GRPC,
          ...(await bearer(`/${service.fullName}/${service.invalid.method}`, service.invalid.body)),
          '-v',
          '-d',
          JSON.stringify(service.invalid.body),
          url(service.name, `/${service.fullName}/${service.invalid.method}`),
        ]);
        expect(exitCode).to.not.equal(0);
        const output = `${stdout}${stderr}`;
        expect(output).to.match(/"code":\s*"invalid_argument"/);
        expect(output).to.match(new RegExp(`"message":\\s*"${service.invalid.field}: `));
        expect(stderr.toLowerCase()).to.include(`error-field: ${service.invalid.field}`);
      });

      it(`reports SERVING for the whole server ('') and for ${service.fullName} over grpc.health.v1.Health/Check`, async () => {
        const health = healthClient(service.name);
        for (const name of ['', service.fullName]) {
          const answer = await call(health, health.check, { service: name });
          expect(answer.status, `health of '${name}'`).to.equal(HealthCheckResponse_ServingStatus.SERVING);
        }
      });

      it(`reports SERVING for '' and ${service.fullName} through buf curl by reflection`, async () => {
        for (const name of ['', service.fullName]) {
          const { exitCode, stdout, stderr } = await buf([
            ...GRPC,
            '-d',
            JSON.stringify({ service: name }),
            url(service.name, '/grpc.health.v1.Health/Check'),
          ]);
          expect(exitCode, stderr).to.equal(0);
          expect(JSON.parse(stdout)).to.deep.equal({ status: 'SERVING' });
        }
      });

      it('answers a health check for a service it does not host with NOT_FOUND', async () => {
        const health = healthClient(service.name);
        const other = SERVICES.find((candidate) => candidate.name !== service.name)!.fullName;
        for (const name of [other, 'no.such.Service']) {
          const error = await callError(health, health.check, { service: name });
          expect(error.code, `health of '${name}'`).to.equal(status.NOT_FOUND);
        }
      });
    });
  }

  it('reflection describes messages well enough to call AchieveMission with JSON and get the mission back', async () => {
    const { exitCode, stdout, stderr } = await buf([
      ...GRPC,
      ...(await bearer('/game.mission.v1.MissionService/AchieveMission', {})),
      '-d',
      JSON.stringify({ customer_id: 'by-reflection', event_code: 'summer-2026', mission_code: 'first-win' }),
      url('mission', '/game.mission.v1.MissionService/AchieveMission'),
    ]);
    expect(exitCode, stderr).to.equal(0);
    const mission = JSON.parse(stdout);
    expect(mission).to.include({
      customerId: 'by-reflection',
      eventCode: 'summer-2026',
      missionCode: 'first-win',
      status: 'MISSION_STATUS_ACHIEVED',
    });
    expect(mission.missionId).to.match(/^[0-9a-f-]{36}$/);
    expect(await system.count('mission.missions', `id = '${mission.missionId}' and customer_id = 'by-reflection'`)).to.equal(1);
  });
});
