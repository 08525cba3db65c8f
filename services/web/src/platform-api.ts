/** The platform's REST API as the page uses it (paths from the protos' google.api.http annotations). */
import { ApiError, newIdempotencyKey, requestJson } from './api-client.js';
import type { Exchange, Gift, GiftOrder, Mission, MyPage, NotificationList } from './api-types.js';

const segment = encodeURIComponent;

/** Event code of the missions the page achieves for a demo. */
export const DEMO_EVENT_CODE = 'web-demo';

/** Waits between automatic retries of one click; the last entry is the last retry. */
const RETRY_DELAYS_MS = [400, 1200];

export async function getMyPage(customerId: string, knownVersion: string): Promise<MyPage> {
  const page = await requestJson<MyPage>('GET', `/v1/customers/${segment(customerId)}/my-page?knownVersion=${segment(knownVersion)}`);
  // An edge that leaves empty lists out of the JSON (proto3 JSON may) still gives the page lists.
  return { ...page, missions: page.missions ?? [], rewards: page.rewards ?? [], orders: page.orders ?? [] };
}

export async function listGifts(): Promise<Gift[]> {
  const answer = await requestJson<{ gifts?: Gift[] }>('GET', '/v1/gifts?pageSize=100');
  return answer.gifts ?? [];
}

export async function listNotifications(customerId: string): Promise<NotificationList> {
  const answer = await requestJson<Partial<NotificationList>>('GET', `/v1/customers/${segment(customerId)}/notifications?pageSize=20`);
  return { notifications: answer.notifications ?? [], unreadCount: answer.unreadCount ?? 0, nextPageToken: answer.nextPageToken ?? '' };
}

/** Marks the given notifications read, or all of the customer's when none are given. */
export function markNotificationsRead(customerId: string, notificationIds: string[] = []): Promise<unknown> {
  return requestJson('POST', `/v1/customers/${segment(customerId)}/notifications:markRead`, { notificationIds });
}

/** A mission with a fresh code, so every click achieves a new one. */
/**
 * Development tool: the edge achieves a mission for the signed-in player as the game server
 * would (its client credentials stay on the server; players cannot achieve missions themselves).
 * Offered only where the edge says so (the embedded mode).
 */
export function achieveDemoMission(): Promise<Mission> {
  const missionCode = `quest-${newIdempotencyKey().slice(0, 8)}`;
  return requestJson('POST', DEMO_MISSION_PATH, { eventCode: DEMO_EVENT_CODE, missionCode });
}

/** The embedded gateway's development endpoint (services/gateway/src/dev/demo-mission-route.ts). */
export const DEMO_MISSION_PATH = '/dev/demo-missions';

/**
 * One click on "Exchange": one idempotency key, kept for the automatic retries of that click
 * when no answer came back (the wallet then returns the first exchange instead of spending twice).
 */
export function exchangeReward(customerId: string, rewardId: string, giftId: string): Promise<Exchange> {
  const idempotencyKey = newIdempotencyKey();
  return withRetries(() =>
    requestJson<Exchange>('POST', `/v1/wallets/${segment(customerId)}/rewards/${segment(rewardId)}:exchange`, { giftId, idempotencyKey }),
  );
}

/** What the page reads of a cancelled order. */
export type CancelledOrder = Pick<GiftOrder, 'orderId' | 'status'>;

/** Cancelling twice is refused, never done twice: safe to send again when no answer came. */
export async function cancelOrder(customerId: string, orderId: string): Promise<CancelledOrder> {
  let retried = false;
  try {
    return await withRetries(
      () => requestJson<GiftOrder>('POST', `/v1/gift-orders/${segment(orderId)}:cancel`, { customerId }),
      () => {
        retried = true;
      },
    );
  } catch (error) {
    // The first try went through but its answer was lost.
    if (retried && error instanceof ApiError && error.errorCode === 'ORDER_ALREADY_CANCELLED')
      return { orderId, status: 'GIFT_ORDER_STATUS_CANCELLED' };
    throw error;
  }
}

async function withRetries<T>(send: () => Promise<T>, onRetry: () => void = () => {}): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ApiError) || !error.isTransient || attempt >= RETRY_DELAYS_MS.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      onRetry();
    }
  }
}
