import { requireCode, requireUuid } from '#platform/validation/request-fields';
import type { MyPageView } from '../domain/my-page-view.js';
import type { PageChange } from '../domain/page-facts.js';

/**
 * Adds what one event tells about a customer to their page. Ids are checked here, so an event
 * that can never fit the page (no customer, a malformed id) fails as invalid and is
 * dead-lettered rather than retried. Returns whether the page changed.
 */
export class RecordPageChange {
  constructor(private readonly deps: { view: MyPageView }) {}

  /**
   * A run of events in one transaction: every change recorded (sent at once), then each page
   * that changed assembled and stored once, however many of the run's events it took.
   */
  async executeAll(changes: readonly PageChange[]): Promise<void> {
    const results = await Promise.allSettled(changes.map((change) => this.record(change)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const changed = changes.filter((_, i) => (results[i] as PromiseFulfilledResult<boolean>).value).map((change) => change.customerId);
    await this.deps.view.storePages(changed);
  }

  async execute(change: PageChange): Promise<boolean> {
    const changed = await this.record(change);
    if (changed) await this.deps.view.storePages([change.customerId]);
    return changed;
  }

  private record(change: PageChange): Promise<boolean> {
    const optionalUuid = (field: string, value: string | undefined) => (value === undefined ? undefined : requireUuid(field, value));
    const optionalCode = (field: string, value: string | undefined) => (value === undefined ? undefined : requireCode(field, value));
    return this.deps.view.record({
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
    });
  }
}
