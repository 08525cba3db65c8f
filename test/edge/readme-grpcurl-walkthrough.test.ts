import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { EXCHANGE_CHAIN, startPlatform } from '#testing/start-platform';
import { TestSystem } from '#testing/test-system';
import { customerOf, readmeBlock } from './support/readme-blocks.js';

/**
 * The README's grpcurl walkthrough runs as written against a fresh system, through reflection,
 * with the grpcurl stand-in the README gives (these machines have no grpcurl).
 */
describe('The README walkthrough with grpcurl', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let output: string;

  before(async () => {
    system = await TestSystem.create('servers');
    const { delivery, gift, reward, wallet, mission } = await startPlatform(system, EXCHANGE_CHAIN);
    // npm run token signs in at the system's own identity provider.
    const env = {
      ...process.env,
      AUTH_ISSUER: system.identity.auth.issuer,
      MISSION: mission.address,
      REWARD: reward.address,
      WALLET: wallet.address,
      GIFT: gift.address,
      DELIVERY: delivery.address,
    };
    const result = await promisify(execFile)(
      'bash',
      ['-euo', 'pipefail', '-c', `${readmeBlock('grpcurl-standin')}\n${readmeBlock('grpcurl-walkthrough')}`],
      { env, timeout: 90_000 },
    );
    output = result.stdout + result.stderr;
  });

  after(async () => system?.close());

  it('runs from start to end, calling every service by reflection', () => {
    expect(output).to.include('game.mission.v1.MissionService');
    expect(output).to.include('SERVING');
    expect(output).to.include('REWARD_STATUS_ISSUED');
    expect(output).to.include('DELIVERY_STATUS_STARTED');
  });

  it('ends with the order cancelled and the reward available again', async () => {
    const customer = customerOf(output);
    const orders = await system.query<{ status: string }>(`select status from gift.gift_orders where customer_id = '${customer}'`);
    expect(orders.map((order) => order.status)).to.deep.equal(['cancelled']);
    expect(await system.count('wallet.wallet_rewards', `customer_id = '${customer}' and status = 'available'`)).to.equal(1);
  });

  it('shows a malformed id answered with invalid_argument naming the field', () => {
    expect(output).to.include('mission_id: must be a UUID');
  });
});
