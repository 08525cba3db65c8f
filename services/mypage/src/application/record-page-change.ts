import { groupBy } from '#platform/collections/group-by';
import { requireCode, requireUuid } from '#platform/validation/request-fields';
import { fillBlanks } from '../domain/fill-blanks.js';
import type { MyPageView } from '../domain/my-page-view.js';
import type { PageChange } from '../domain/page-facts.js';

/**
 * Adds what a run of events tells about customers to their pages, in one transaction: each
 * page is locked with its facts, each event fills the blanks it can (fillBlanks), and each page
 * that changed is stored once, however many of the run's events it took. Ids are checked
 * first, so an event that can never fit the page (no customer, a malformed id) fails as invalid
 * and is dead-lettered rather than retried.
 */
export class RecordPageChange {
  constructor(private readonly deps: { view: MyPageView }) {}

  async executeAll(changes: readonly PageChange[]): Promise<void> {
    const byCustomer = groupBy(changes.map(checked), (change) => change.customerId);
    const customers = [...byCustomer].map(([customerId, own]) => ({
      customerId,
      firstAt: new Date(Math.min(...own.map((change) => change.at.getTime()))),
    }));
    const pages = await this.deps.view.lockPages(customers);
    const filled = pages.flatMap((page) => fillBlanks(page, byCustomer.get(page.customerId) ?? []) ?? []);
    await this.deps.view.savePages(filled);
  }
}

function checked(change: PageChange): PageChange {
  const optionalUuid = (field: string, value: string | undefined) => (value === undefined ? undefined : requireUuid(field, value));
  const optionalCode = (field: string, value: string | undefined) => (value === undefined ? undefined : requireCode(field, value));
  return {
    customerId: requireCode('customer_id', change.customerId),
    at: change.at,
    missions: change.missions?.map((mission) => ({
      ...mission,
      missionId: requireUuid('mission_id', mission.missionId),
      rewardId: optionalUuid('reward_id', mission.rewardId),
    })),
    rewards: change.rewards?.map((reward) => ({
      ...reward,
      rewardId: requireUuid('reward_id', reward.rewardId),
      missionId: optionalUuid('mission_id', reward.missionId),
    })),
    orders: change.orders?.map((order) => ({
      ...order,
      orderId: requireUuid('order_id', order.orderId),
      rewardId: optionalUuid('reward_id', order.rewardId),
      giftId: optionalCode('gift_id', order.giftId),
      deliveryId: optionalUuid('delivery_id', order.deliveryId),
    })),
  };
}
