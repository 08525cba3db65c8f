import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { eventually } from '../support/eventually.js';
import { deliveryModule, giftModule, missionModule, myPageModule, notificationModule, rewardModule, walletModule } from '../support/platform-modules.js';
import { TestSystem } from '../support/test-system.js';

/** The block of README.md between the walkthrough markers, without its code fence. */
function readmeWalkthrough(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no walkthrough block between the markers');
  return block[1];
}

/**
 * The README's curl walkthrough is a test: it runs, as written, against a fresh system behind
 * the REST gateway, and what it says happens does happen.
 */
describe('The README walkthrough with curl', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let output: string;

  before(async () => {
    system = await TestSystem.create('servers');
    await system.start(deliveryModule);
    const gift = await system.start(giftModule);
    await system.start(rewardModule);
    await system.start(walletModule, { overrides: { config: { giftAddress: gift.address } } });
    await system.start(missionModule);
    await system.start(myPageModule);
    await system.start(notificationModule);
    const gateway = await system.startGateway();
    const run = promisify(execFile);
    const result = await run('bash', ['-euo', 'pipefail', '-c', readmeWalkthrough()], { env: { ...process.env, BASE: gateway.url, AUTH_ISSUER: system.identity.auth.issuer }, timeout: 90_000 });
    output = result.stdout;
  });

  after(async () => system?.close());

  it('runs from start to end without a failing command', () => {
    expect(output).to.include('REWARD_STATUS_ISSUED');
  });

  it('shows another customer\'s wallet refused (code 7) and a call without a token refused (code 16)', () => {
    expect(output).to.include('"code":7,"message":"customer_id: a player may only name their own customer id"');
    expect(output).to.include('"code":16,"message":"an access token is required');
  });

  it('shows the refused second achievement as a 409-style JSON error', () => {
    expect(output).to.include('"code":6');
    expect(output).to.include('already achieved mission first-win of event summer-2026');
  });

  it('ends with the order cancelled, the reward back in the wallet, and the stock restored', async () => {
    const orders = await system.query<{ status: string }>(`select status from gift.gift_orders where customer_id = '11'`);
    expect(orders.map((order) => order.status)).to.deep.equal(['cancelled']);
    expect(await system.count('wallet.wallet_rewards', `customer_id = '11' and status = 'available'`)).to.equal(1);
    await eventually(async () => {
      const [gift] = await system.query<{ stock_count: number; reserved_count: number }>(`select stock_count, reserved_count from gift.gifts where gift_id = 'plush-dragon'`);
      expect(gift).to.deep.equal({ stock_count: 3, reserved_count: 0 });
    });
  });

  it("shows My Page and the customer's notifications", () => {
    expect(output).to.match(/"customerId":"11".*"counts"/s);
    expect(output).to.match(/"notifications":\[/);
  });

  it('shows bad input answered with a JSON error naming the field, and unknown ids as not found', () => {
    expect(output).to.include('mission_id: must be a UUID');
    expect(output).to.include('"code":5');
  });
});
