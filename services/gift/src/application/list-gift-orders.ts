import type { Caller } from '#platform/auth/caller';
import { requireCode, requirePage } from '#platform/validation/request-fields';
import type { GiftOrderState } from '../domain/gift-order.js';
import type { GiftOrderRepository } from '../domain/gift-order-repository.js';

export interface ListGiftOrdersQuery {
  readonly customerId: string;
  readonly pageSize: number;
  readonly pageToken: string;
}

/** A customer's gift orders, newest first, a page at a time. */
export class ListGiftOrders {
  constructor(private readonly deps: { orders: GiftOrderRepository }) {}

  async execute(query: ListGiftOrdersQuery, caller: Caller): Promise<{ orders: GiftOrderState[]; nextBefore?: number }> {
    const customerId = requireCode('customer_id', query.customerId);
    caller.requireActsFor('customer_id', customerId);
    const result = await this.deps.orders.listByCustomer(customerId, requirePage(query.pageSize, query.pageToken));
    return { orders: result.orders.map((order) => order.state), nextBefore: result.nextBefore };
  }
}
