import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { eventually } from '#testing/eventually';
import { EXCHANGE_CHAIN, startPlatform } from '#testing/start-platform';
import { TestSystem } from '#testing/test-system';
import { customerOf, readmeBlock } from './support/readme-blocks.js';

/**
 * The README's curl walkthrough is a test: it runs, as written, against a fresh system behind
 * the REST gateway, and what it says happens does happen. It is pasted twice into the same
 * system, as a newcomer does: the second run makes its own ids and ends as the first.
 */
describe('The README walkthrough with curl', function () {
  this.timeout(180_000);
  let system: TestSystem;
  const outputs: string[] = [];

  before(async () => {
    system = await TestSystem.create('servers');
    await startPlatform(system, [...EXCHANGE_CHAIN, 'mypage', 'notification']);
    const gateway = await system.startGateway();
    const run = promisify(execFile);
    for (let paste = 0; paste < 2; paste += 1) {
      const result = await run('bash', ['-euo', 'pipefail', '-c', readmeBlock('walkthrough')], {
        env: { ...process.env, BASE: gateway.url, AUTH_ISSUER: system.identity.auth.issuer },
        timeout: 90_000,
      });
      outputs.push(result.stdout);
    }
  });

  after(async () => system?.close());

  it('runs from start to end without a failing command, twice, with a fresh customer and gift each time', () => {
    for (const output of outputs) expect(output).to.include('REWARD_STATUS_ISSUED');
    const [first, second] = outputs.map(customerOf);
    expect(first).to.not.equal(second);
  });

  it("shows another customer's wallet refused (code 7) and a call without a token refused (code 16)", () => {
    for (const output of outputs) {
      expect(output).to.include('"code":7,"message":"customer_id: a player may only name their own customer id"');
      expect(output).to.include('"code":16,"message":"an access token is required');
    }
  });

  it('shows the refused second achievement as a 409-style JSON error', () => {
    for (const output of outputs) {
      expect(output).to.include('"code":6');
      expect(output).to.include(`customer ${customerOf(output)} already achieved mission first-win of event summer-2026`);
    }
  });

  it('ends each run with its order cancelled, its reward back in the wallet, and its stock restored', async () => {
    for (const customer of outputs.map(customerOf)) {
      const orders = await system.query<{ status: string; gift_id: string }>(
        `select status, gift_id from gift.gift_orders where customer_id = '${customer}'`,
      );
      expect(orders.map((order) => order.status)).to.deep.equal(['cancelled']);
      expect(await system.count('wallet.wallet_rewards', `customer_id = '${customer}' and status = 'available'`)).to.equal(1);
      await eventually(async () => {
        const [gift] = await system.query<{ stock_count: number; reserved_count: number }>(
          `select stock_count, reserved_count from gift.gifts where gift_id = '${orders[0].gift_id}'`,
        );
        expect(gift).to.deep.equal({ stock_count: 3, reserved_count: 0 });
      });
    }
  });

  it("shows My Page and the customer's notifications", () => {
    for (const output of outputs) {
      expect(output).to.match(new RegExp(`"customerId":"${customerOf(output)}".*"counts"`, 's'));
      expect(output).to.match(/"notifications":\[/);
    }
  });

  it('shows bad input answered with a JSON error naming the field, and unknown ids as not found', () => {
    expect(outputs[0]).to.include('mission_id: must be a UUID');
    expect(outputs[0]).to.include('"code":5');
  });

  it('gives up each wait after 10 s with a message instead of looping forever (here: no gateway there at all)', async () => {
    // Without -e every command runs, as pasted into an interactive shell; a loop would hit the timeout.
    const { stderr } = await promisify(execFile)('bash', ['-uo', 'pipefail', '-c', readmeBlock('walkthrough')], {
      env: { ...process.env, BASE: 'http://127.0.0.1:1' },
      timeout: 150_000,
    });
    expect(stderr).to.include('gave up after 10 s: has_reward');
    expect(stderr).to.include('gave up after 10 s: order_is GIFT_ORDER_STATUS_SHIPPING');
  });
});
