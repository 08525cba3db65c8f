import { expect } from 'chai';
import { Exchange } from '../../../services/wallet/src/domain/exchange.js';
import { ExchangeInProgressError, RewardNotAvailableError } from '../../../services/wallet/src/domain/wallet-errors.js';
import { WalletReward, type WalletRewardState, type WalletRewardStatus } from '../../../services/wallet/src/domain/wallet-reward.js';

const AT = new Date('2026-01-01T00:00:00Z');
const LATER = new Date('2026-01-01T00:01:00Z');

function reward(status: WalletRewardStatus, orderId?: string): WalletReward {
  const state: WalletRewardState = { rewardId: 'r-1', customerId: 'c-1', missionId: 'm-1', status, orderId, addedAt: AT };
  return WalletReward.restore(state);
}

interface Row {
  name: string;
  from: WalletReward;
  step: (r: WalletReward) => void;
  status?: WalletRewardStatus;
  orderId?: string;
  events?: string[];
  error?: new (...args: never[]) => Error;
}

/** available --hold--> held --spend--> spent --return--> available; held --release--> available. */
const ROWS: Row[] = [
  {
    name: 'available, held for an order',
    from: reward('available'),
    step: (r) => r.hold('o-1'),
    status: 'held',
    orderId: 'o-1',
    events: [],
  },
  {
    name: 'held, a second hold is refused as in progress',
    from: reward('held', 'o-1'),
    step: (r) => r.hold('o-2'),
    error: ExchangeInProgressError,
  },
  { name: 'spent, cannot be held', from: reward('spent', 'o-1'), step: (r) => r.hold('o-2'), error: RewardNotAvailableError },
  {
    name: 'held, released: usable again exactly as before',
    from: reward('held', 'o-1'),
    step: (r) => r.release('o-1'),
    status: 'available',
    orderId: undefined,
    events: [],
  },
  {
    name: 'held for another order, not released',
    from: reward('held', 'o-1'),
    step: (r) => r.release('o-2'),
    status: 'held',
    orderId: 'o-1',
    events: [],
  },
  {
    name: 'held, spent on its order',
    from: reward('held', 'o-1'),
    step: (r) => r.spend('o-1', 'mug', LATER),
    status: 'spent',
    orderId: 'o-1',
    events: ['reward-spent'],
  },
  {
    name: 'spent, spent again on the same order: nothing new',
    from: reward('spent', 'o-1'),
    step: (r) => r.spend('o-1', 'mug', LATER),
    status: 'spent',
    events: [],
  },
  {
    name: 'held for another order, cannot be spent',
    from: reward('held', 'o-1'),
    step: (r) => r.spend('o-2', 'mug', LATER),
    error: RewardNotAvailableError,
  },
  {
    name: 'available (not held), cannot be spent',
    from: reward('available'),
    step: (r) => r.spend('o-1', 'mug', LATER),
    error: RewardNotAvailableError,
  },
  {
    name: 'spent, returned when its order is cancelled',
    from: reward('spent', 'o-1'),
    step: (r) => r.returnToWallet('o-1', 'cancelled', LATER),
    status: 'available',
    orderId: undefined,
    events: ['reward-returned'],
  },
  {
    name: 'spent, a return for another order is ignored',
    from: reward('spent', 'o-1'),
    step: (r) => r.returnToWallet('o-2', 'cancelled', LATER),
    status: 'spent',
    events: [],
  },
  {
    name: 'available, a repeated return is ignored',
    from: reward('available'),
    step: (r) => r.returnToWallet('o-1', 'cancelled', LATER),
    status: 'available',
    events: [],
  },
];

describe('wallet reward exchange state machine (domain, no servers)', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      if (row.error) {
        const before = row.from.state;
        expect(() => row.step(row.from)).to.throw(row.error);
        expect(row.from.state, 'a refused step changes nothing').to.equal(before);
        return;
      }
      row.step(row.from);
      if (row.status) expect(row.from.state.status, 'status').to.equal(row.status);
      if ('orderId' in row) expect(row.from.state.orderId, 'order').to.equal(row.orderId);
      if (row.events)
        expect(
          row.from.pullEvents().map((event) => event.type),
          'events',
        ).to.deep.equal(row.events);
    });
  }

  it('a credited reward lands available and announces it', () => {
    const credited = WalletReward.credit({ rewardId: 'r-1', customerId: 'c-1', missionId: 'm-1', at: AT });
    expect(credited.state.status).to.equal('available');
    expect(credited.pullEvents().map((event) => event.type)).to.deep.equal(['wallet-credited']);
  });
});

describe('exchange (domain, no servers)', () => {
  const request = () =>
    Exchange.request({ customerId: 'c-1', idempotencyKey: 'k-1', rewardId: 'r-1', giftId: 'mug', orderId: 'o-1', at: AT });
  const cases: Array<{ name: string; steps: (e: Exchange) => void; status: string; events: string[] }> = [
    { name: 'pending, completed', steps: (e) => e.complete(LATER), status: 'completed', events: [] },
    {
      name: 'pending, failed: the order id is announced abandoned',
      steps: (e) => e.fail('gift shop down', LATER),
      status: 'failed',
      events: ['exchange-abandoned'],
    },
    {
      name: 'completed, a late failure changes nothing',
      steps: (e) => (e.complete(LATER), e.fail('late', LATER)),
      status: 'completed',
      events: [],
    },
    {
      name: 'failed, a late completion changes nothing',
      steps: (e) => (e.fail('down', LATER), e.complete(LATER)),
      status: 'failed',
      events: ['exchange-abandoned'],
    },
    {
      name: 'failed, retried under the same key as a new order: pending again',
      steps: (e) => (e.fail('down', LATER), e.retry('o-2', LATER)),
      status: 'pending',
      events: ['exchange-abandoned'],
    },
  ];
  for (const { name, steps, status, events } of cases) {
    it(name, () => {
      const exchange = request();
      steps(exchange);
      expect(exchange.state.status).to.equal(status);
      expect(exchange.pullEvents().map((event) => event.type)).to.deep.equal(events);
    });
  }

  it('a retry keeps the key and takes the new order id, clearing the failure', () => {
    const exchange = request();
    exchange.fail('down', LATER);
    exchange.retry('o-2', LATER);
    expect(exchange.state).to.include({ idempotencyKey: 'k-1', orderId: 'o-2', failureReason: undefined });
  });

  it('a repeated request matches only the same reward and gift', () => {
    const exchange = request();
    expect(exchange.matches({ rewardId: 'r-1', giftId: 'mug' })).to.equal(true);
    expect(exchange.matches({ rewardId: 'r-1', giftId: 'pen' })).to.equal(false);
    expect(exchange.matches({ rewardId: 'r-2', giftId: 'mug' })).to.equal(false);
  });
});
