import { expect } from 'chai';
import { assembleMyPage, deliveryStatus, orderStatus } from '../../../services/mypage/src/domain/my-page.js';
import type { OrderFacts, PageRecord } from '../../../services/mypage/src/domain/page-facts.js';

const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

describe("My Page's derivation from facts (domain, no servers)", () => {
  const orderCases: Array<{ facts: OrderFacts; order?: string; delivery?: string }> = [
    { facts: {}, order: undefined, delivery: undefined },
    { facts: { returnedAt: t(1) }, order: undefined, delivery: undefined },
    { facts: { spentAt: t(1) }, order: 'paid', delivery: undefined },
    { facts: { paidAt: t(1) }, order: 'paid', delivery: undefined },
    { facts: { paidAt: t(1), deliveryStartedAt: t(2) }, order: 'shipping', delivery: 'started' },
    { facts: { paidAt: t(1), deliveryStartedAt: t(2), deliveredAt: t(3) }, order: 'delivered', delivery: 'delivered' },
    { facts: { deliveryCompletedAt: t(3) }, order: 'delivered', delivery: 'delivered' },
    { facts: { paidAt: t(1), deliveryStartedAt: t(2), cancelledAt: t(3) }, order: 'cancelled', delivery: 'started' },
    {
      facts: { paidAt: t(1), deliveryStartedAt: t(2), cancelledAt: t(3), deliveryCancelledAt: t(4) },
      order: 'cancelled',
      delivery: 'cancelled',
    },
    { facts: { spentAt: t(1), rejectedAt: t(2), returnedAt: t(3) }, order: 'rejected', delivery: undefined },
    // The end states exclude each other: whichever is known wins over the states on the way.
    { facts: { cancelledAt: t(3) }, order: 'cancelled', delivery: undefined },
  ];
  for (const { facts, order, delivery } of orderCases) {
    it(`order ${JSON.stringify(Object.keys(facts))} is ${order ?? 'unknown'}, delivery ${delivery ?? 'none'}`, () => {
      expect(orderStatus(facts)).to.equal(order);
      expect(deliveryStatus(facts)).to.equal(delivery);
    });
  }

  const record = (
    orders: PageRecord['orders'],
    rewardFacts: Partial<PageRecord['rewards'][number]> = { creditedAt: t(1) },
  ): PageRecord => ({
    customerId: 'c-1',
    version: 3,
    updatedAt: t(9),
    missions: [{ missionId: 'm-1', eventCode: 'spring', missionCode: 'quest-1', achievedAt: t(0), rewardId: 'r-1' }],
    rewards: [{ rewardId: 'r-1', missionId: 'm-1', issuedAt: t(1), ...rewardFacts }],
    orders,
  });

  const rewardCases: Array<{
    name: string;
    page: PageRecord;
    wallet: string;
    reward: string;
    shownOrder?: string;
    counts: [number, number, number];
  }> = [
    {
      name: 'issued, not credited yet: pending',
      page: record([], { creditedAt: undefined }),
      wallet: 'pending',
      reward: 'issued',
      counts: [0, 0, 0],
    },
    { name: 'credited: available', page: record([]), wallet: 'available', reward: 'issued', counts: [1, 0, 0] },
    {
      name: 'spent on an order: exchanged, the order open',
      page: record([{ orderId: 'o-1', rewardId: 'r-1', spentAt: t(2) }]),
      wallet: 'spent',
      reward: 'exchanged',
      shownOrder: 'o-1',
      counts: [0, 1, 1],
    },
    {
      name: 'spent, cancelled and returned: available again, showing the cancelled order',
      page: record([{ orderId: 'o-1', rewardId: 'r-1', spentAt: t(2), cancelledAt: t(3), returnedAt: t(4) }]),
      wallet: 'available',
      reward: 'issued',
      shownOrder: 'o-1',
      counts: [1, 0, 0],
    },
    {
      name: 'returned from one order, spent on a newer one: exchanged for the newer',
      page: record([
        { orderId: 'o-1', rewardId: 'r-1', spentAt: t(2), rejectedAt: t(3), returnedAt: t(4) },
        { orderId: 'o-2', rewardId: 'r-1', spentAt: t(5), paidAt: t(5), deliveryStartedAt: t(6) },
      ]),
      wallet: 'spent',
      reward: 'exchanged',
      shownOrder: 'o-2',
      counts: [0, 1, 1],
    },
    {
      name: 'an order known before the credit: the reward was in the wallet',
      page: record([{ orderId: 'o-1', rewardId: 'r-1', returnedAt: t(4) }], { creditedAt: undefined }),
      wallet: 'available',
      reward: 'issued',
      shownOrder: 'o-1',
      counts: [1, 0, 0],
    },
  ];
  for (const { name, page, wallet, reward, shownOrder, counts } of rewardCases) {
    it(name, () => {
      const myPage = assembleMyPage(page);
      expect(myPage.rewards[0]).to.include({ walletStatus: wallet, rewardStatus: reward });
      expect(myPage.rewards[0].order?.orderId).to.equal(shownOrder);
      const { rewardsAvailable, rewardsExchanged, ordersOpen } = myPage.counts;
      expect([rewardsAvailable, rewardsExchanged, ordersOpen]).to.deep.equal(counts);
      expect(myPage.missions[0].status).to.equal('rewarded');
    });
  }

  it('lists are newest first with ties broken by id, whatever order the facts came in', () => {
    const orders = [
      { orderId: 'o-b', rewardId: 'r-1', spentAt: t(2) },
      { orderId: 'o-a', rewardId: 'r-1', spentAt: t(2) },
      { orderId: 'o-c', rewardId: 'r-1', spentAt: t(5) },
    ];
    const forward = assembleMyPage(record(orders));
    const backward = assembleMyPage(record([...orders].reverse()));
    expect(forward.orders.map((order) => order.orderId)).to.deep.equal(['o-c', 'o-a', 'o-b']);
    expect(backward).to.deep.equal(forward);
  });

  it("an order's placed_at is the spend, its updated_at the latest fact", () => {
    const [order] = assembleMyPage(
      record([{ orderId: 'o-1', rewardId: 'r-1', deliveryStartedAt: t(3), spentAt: t(2), paidAt: t(2), deliveredAt: t(7) }]),
    ).orders;
    expect(order).to.include({ status: 'delivered', deliveryStatus: 'delivered' });
    expect(order.placedAt).to.deep.equal(t(2));
    expect(order.updatedAt).to.deep.equal(t(7));
  });
});
