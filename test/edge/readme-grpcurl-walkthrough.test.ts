import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { deliveryModule, giftModule, missionModule, rewardModule, walletModule } from '../support/platform-modules.js';
import { TestSystem } from '../support/test-system.js';

const BUF = fileURLToPath(new URL('../../node_modules/.bin/buf', import.meta.url));

/**
 * grpcurl's command line over `buf curl` (a reflection client from npm): these machines have no
 * grpcurl. It understands what the README uses: -plaintext, -H, -d, `list`, and a method.
 */
const GRPCURL = `grpcurl() {
  local data='' rest=() headers=()
  while [ $# -gt 0 ]; do case "$1" in -plaintext) shift;; -H) headers+=(-H "$2"); shift 2;; -d) data="$2"; shift 2;; *) rest+=("$1"); shift;; esac; done
  if [ "\${rest[1]}" = list ]; then "${BUF}" curl --protocol grpc --http2-prior-knowledge --list-services "http://\${rest[0]}"
  else "${BUF}" curl --protocol grpc --http2-prior-knowledge "\${headers[@]}" -d "\${data:-{\\}}" "http://\${rest[0]}/\${rest[1]}"; fi
}
`;

function readmeBlock(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- grpcurl-walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- grpcurl-walkthrough:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no grpcurl walkthrough block between the markers');
  return block[1];
}

/** The README's grpcurl walkthrough runs as written against a fresh system, through reflection. */
describe('The README walkthrough with grpcurl', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let output: string;

  before(async () => {
    system = await TestSystem.create('servers');
    const delivery = await system.start(deliveryModule);
    const gift = await system.start(giftModule);
    const reward = await system.start(rewardModule);
    const wallet = await system.start(walletModule, { overrides: { config: { giftAddress: gift.address } } });
    const mission = await system.start(missionModule);
    // npm run token signs in at the system's own identity provider.
    const env = { ...process.env, AUTH_ISSUER: system.identity.auth.issuer, MISSION: mission.address, REWARD: reward.address, WALLET: wallet.address, GIFT: gift.address, DELIVERY: delivery.address };
    const result = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', GRPCURL + readmeBlock()], { env, timeout: 90_000 });
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
    const orders = await system.query<{ status: string }>(`select status from gift.gift_orders where customer_id = '12'`);
    expect(orders.map((order) => order.status)).to.deep.equal(['cancelled']);
    expect(await system.count('wallet.wallet_rewards', `customer_id = '12' and status = 'available'`)).to.equal(1);
  });

  it('shows a malformed id answered with invalid_argument naming the field', () => {
    expect(output).to.include('mission_id: must be a UUID');
  });
});
