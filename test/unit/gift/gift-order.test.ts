import { expect } from 'chai';
import { Gift } from '../../../services/gift/src/domain/gift.js';
import {
  NotYourOrderError,
  OrderAlreadyCancelledError,
  OrderDeliveredError,
  OrderIdConflictError,
  OrderNotPaidError,
  OrderReleasedError,
  StockBelowReservedError,
} from '../../../services/gift/src/domain/gift-errors.js';
import {
  GiftOrder,
  type GiftOrderState,
  type GiftOrderStatus,
  type OrderStockState,
} from '../../../services/gift/src/domain/gift-order.js';

const PLACED = new Date('2026-01-01T00:00:00Z');
const LATER = new Date('2026-01-01T00:05:00Z');
const TERMS = { customerId: 'c-1', giftId: 'mug', rewardId: 'reward-1' };

function order(status: GiftOrderStatus, stockState: OrderStockState, extra: Partial<GiftOrderState> = {}): GiftOrder {
  return GiftOrder.restore({
    id: 'order-1',
    ...TERMS,
    giftName: 'Mug',
    status,
    stockState,
    reservedUntil: LATER,
    placedAt: PLACED,
    updatedAt: PLACED,
    ...extra,
  });
}

type Step = (o: GiftOrder) => string | undefined;

interface Row {
  name: string;
  from: GiftOrder;
  step: Step;
  status?: GiftOrderStatus;
  stockState?: OrderStockState;
  move?: string;
  events?: string[];
  error?: new (...args: never[]) => Error;
}

const pay: Step = (o) => (o.pay(LATER), undefined);
const release: Step = (o) => o.release(LATER);
const cancel: Step = (o) => o.cancel('c-1', LATER);
const start: Step = (o) => o.startDelivery('d-1', LATER);
const cancelDelivery: Step = (o) => o.cancelDelivery('d-1', LATER);
const complete: Step = (o) => o.completeDelivery('d-1', LATER);
const payRenewed: Step = (o) => (o.payOnRenewedReservation('Mug', LATER), undefined);
const reject: Step = (o) => (o.reject('out of stock', LATER), undefined);

/** The gift order's state machine, one transition per row (gift-order.ts draws it). */
const ROWS: Row[] = [
  {
    name: 'reserved, paid',
    from: order('reserved', 'reserved'),
    step: pay,
    status: 'paid',
    stockState: 'reserved',
    events: ['gift-order-paid'],
  },
  { name: 'paid, paid again (a redelivered RewardSpent)', from: order('paid', 'reserved'), step: pay, status: 'paid', events: [] },
  {
    name: 'reserved, released (expired or abandoned)',
    from: order('reserved', 'reserved'),
    step: release,
    status: 'released',
    stockState: 'released',
    move: 'release',
    events: [],
  },
  {
    name: 'paid, not released by the expiry sweep',
    from: order('paid', 'reserved'),
    step: release,
    status: 'paid',
    move: undefined,
    events: [],
  },
  {
    name: 'paid, cancelled before delivery: the reserved unit is released',
    from: order('paid', 'reserved'),
    step: cancel,
    status: 'cancelled',
    stockState: 'released',
    move: 'release',
    events: ['gift-order-cancelled'],
  },
  {
    name: "shipping, cancelled: the unit comes back with the delivery's cancellation",
    from: order('shipping', 'deducted', { deliveryId: 'd-1' }),
    step: cancel,
    status: 'cancelled',
    stockState: 'deducted',
    move: undefined,
    events: ['gift-order-cancelled'],
  },
  {
    name: 'delivered, cannot be cancelled',
    from: order('delivered', 'deducted', { deliveryId: 'd-1' }),
    step: cancel,
    error: OrderDeliveredError,
  },
  { name: 'cancelled, cannot be cancelled twice', from: order('cancelled', 'released'), step: cancel, error: OrderAlreadyCancelledError },
  { name: 'reserved, cannot be cancelled (not paid)', from: order('reserved', 'reserved'), step: cancel, error: OrderNotPaidError },
  { name: 'released, cannot be cancelled (not paid)', from: order('released', 'released'), step: cancel, error: OrderNotPaidError },
  {
    name: "someone else's order cannot be cancelled",
    from: order('paid', 'reserved'),
    step: (o) => o.cancel('c-2', LATER),
    error: NotYourOrderError,
  },
  {
    name: 'paid, delivery started: the unit leaves the shelf',
    from: order('paid', 'reserved'),
    step: start,
    status: 'shipping',
    stockState: 'deducted',
    move: 'deduct',
    events: [],
  },
  {
    name: 'shipping, delivery started again: no second deduction',
    from: order('shipping', 'deducted', { deliveryId: 'd-1' }),
    step: start,
    status: 'shipping',
    move: undefined,
    events: [],
  },
  {
    name: 'cancelled, delivery started late: only its id is recorded',
    from: order('cancelled', 'released'),
    step: start,
    status: 'cancelled',
    stockState: 'released',
    move: undefined,
    events: [],
  },
  {
    name: 'another delivery of the order is ignored',
    from: order('shipping', 'deducted', { deliveryId: 'd-0' }),
    step: start,
    status: 'shipping',
    move: undefined,
    events: [],
  },
  {
    name: 'cancelled after deduction, delivery cancelled: restocked',
    from: order('cancelled', 'deducted', { deliveryId: 'd-1' }),
    step: cancelDelivery,
    status: 'cancelled',
    stockState: 'restocked',
    move: 'restock',
    events: [],
  },
  {
    name: 'restocked, delivery cancelled again: no second restock',
    from: order('cancelled', 'restocked', { deliveryId: 'd-1' }),
    step: cancelDelivery,
    stockState: 'restocked',
    move: undefined,
    events: [],
  },
  {
    name: 'shipping, delivered',
    from: order('shipping', 'deducted', { deliveryId: 'd-1' }),
    step: complete,
    status: 'delivered',
    move: undefined,
    events: ['gift-order-delivered'],
  },
  {
    name: 'paid, completion overtook the start: started and delivered',
    from: order('paid', 'reserved'),
    step: complete,
    status: 'delivered',
    stockState: 'deducted',
    move: 'deduct',
    events: ['gift-order-delivered'],
  },
  {
    name: 'released, reward spent anyway: paid on a renewed reservation',
    from: order('released', 'released'),
    step: payRenewed,
    status: 'paid',
    stockState: 'reserved',
    events: ['gift-order-paid'],
  },
  {
    name: 'released, no unit left: rejected, stays released',
    from: order('released', 'released'),
    step: reject,
    status: 'released',
    events: ['gift-order-rejected'],
  },
  {
    name: 'rejected, never paid on a renewed reservation',
    from: order('released', 'released', { rejectedAt: LATER }),
    step: payRenewed,
    status: 'released',
    events: [],
  },
  { name: 'paid, not rejected', from: order('paid', 'reserved'), step: reject, status: 'paid', events: [] },
];

describe('gift order state machine (domain, no servers)', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      if (row.error) {
        expect(() => row.step(row.from)).to.throw(row.error);
        expect(row.from.hasChanges, 'a refused transition changes nothing').to.equal(false);
        return;
      }
      const move = row.step(row.from);
      const { state } = row.from;
      if (row.status) expect(state.status, 'status').to.equal(row.status);
      if (row.stockState) expect(state.stockState, 'stock state').to.equal(row.stockState);
      if ('move' in row) expect(move, 'stock move').to.equal(row.move);
      if (row.events)
        expect(
          row.from.pullEvents().map((event) => event.type),
          'events',
        ).to.deep.equal(row.events);
    });
  }

  it('a reserved order holds its terms; a retry with other terms or a released id is refused', () => {
    const placed = GiftOrder.reserve({ id: 'order-1', ...TERMS, giftName: 'Mug', at: PLACED, reservedUntil: LATER });
    expect(placed.state).to.include({ status: 'reserved', stockState: 'reserved' });
    expect(() => placed.confirmRetry({ ...TERMS, rewardId: 'REWARD-1' }), 'reward ids compare case-insensitively').to.not.throw();
    expect(() => placed.confirmRetry({ ...TERMS, giftId: 'pen' })).to.throw(OrderIdConflictError);
    const tombstone = GiftOrder.tombstone({ id: 'order-2', ...TERMS, giftName: 'Mug', at: PLACED });
    expect(() => tombstone.confirmRetry(TERMS)).to.throw(OrderReleasedError);
  });

  it('the events are pulled once', () => {
    const paid = order('reserved', 'reserved');
    paid.pay(LATER);
    expect(paid.pullEvents()).to.have.length(1);
    expect(paid.pullEvents()).to.deep.equal([]);
  });
});

describe('gift stock (domain, no servers)', () => {
  const cases: Array<{ name: string; reserved: number; set: number; changed: boolean; error?: boolean }> = [
    { name: 'more stock', reserved: 0, set: 7, changed: true },
    { name: 'the same stock raises no event', reserved: 0, set: 5, changed: false },
    { name: 'down to what is reserved', reserved: 3, set: 3, changed: true },
    { name: 'below what is reserved is refused', reserved: 3, set: 2, changed: false, error: true },
  ];
  for (const { name, reserved, set, changed, error } of cases) {
    it(name, () => {
      const gift = Gift.restore({ id: 'mug', name: 'Mug', stockCount: 5, reservedCount: reserved, createdAt: PLACED, updatedAt: PLACED });
      if (error) expect(() => gift.setStock(set, LATER)).to.throw(StockBelowReservedError);
      else gift.setStock(set, LATER);
      expect(gift.pullEvents().length > 0, 'stock-changed event').to.equal(changed);
    });
  }

  it('a new gift announces its stock', () => {
    expect(
      Gift.create({ id: 'mug', name: 'Mug', stockCount: 2, at: PLACED })
        .pullEvents()
        .map((event) => event.type),
    ).to.deep.equal(['gift-stock-changed']);
  });
});
