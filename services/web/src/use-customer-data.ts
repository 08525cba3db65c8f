import { useCallback, useRef, useState } from 'preact/hooks';
import { ApiError } from './api-client.js';
import type { Gift, MyPage, NotificationList } from './api-types.js';
import { getMyPage, listGifts, listNotifications } from './platform-api.js';
import { usePolling } from './use-polling.js';

export const POLL_INTERVAL_MS = 1500;

/** One list the page shows: the last good answer is kept when a later poll fails. */
export interface Loaded<T> {
  readonly data?: T;
  readonly error?: ApiError;
  /** Some answer (data or error) has arrived. */
  readonly settled: boolean;
}

export interface CustomerData {
  /** null: no event ever mentioned this customer (nothing to show yet). */
  readonly page: Loaded<MyPage | null>;
  readonly gifts: Loaded<Gift[]>;
  readonly notifications: Loaded<NotificationList>;
  /** The last poll got no answer at all from the server. */
  readonly offline: boolean;
  /** Poll now (after an action), instead of at the next tick. */
  readonly refresh: () => void;
}

const EMPTY: Loaded<never> = { settled: false };

/**
 * The customer's page, the catalog and the notifications, kept fresh by polling. My Page is
 * asked with the version already shown, so an unchanged page costs one small answer. One
 * customer per mount: the caller keys the component on the customer id.
 */
export function useCustomerData(customerId: string): CustomerData {
  const [page, setPage] = useState<Loaded<MyPage | null>>(EMPTY);
  const [gifts, setGifts] = useState<Loaded<Gift[]>>(EMPTY);
  const [notifications, setNotifications] = useState<Loaded<NotificationList>>(EMPTY);
  const [offline, setOffline] = useState(false);
  /** The version of the page on screen, sent as knownVersion. */
  const shownVersion = useRef('0');

  const poll = useCallback(async () => {
    const [pageAnswer, giftsAnswer, notificationsAnswer] = await Promise.allSettled([
      getMyPage(customerId, shownVersion.current),
      listGifts(),
      listNotifications(customerId),
    ]);
    if (pageAnswer.status === 'fulfilled' && isEmptyPage(pageAnswer.value)) {
      shownVersion.current = '0';
      setPage({ data: null, settled: true });
    } else if (pageAnswer.status === 'fulfilled') {
      const answer = pageAnswer.value;
      if (!answer.unchanged) {
        shownVersion.current = answer.version;
        setPage({ data: answer, settled: true });
      } else {
        setPage((before) => (before.error ? { data: before.data, settled: true } : before));
      }
    } else if (isNotFound(pageAnswer.reason, 'MY_PAGE_NOT_FOUND')) {
      // An older mypage answers a new customer with NOT_FOUND: the same empty page.
      shownVersion.current = '0';
      setPage({ data: null, settled: true });
    } else {
      setPage((before) => ({ data: before.data, error: asApiError(pageAnswer.reason), settled: true }));
    }
    setGifts((before) => settle(before, giftsAnswer));
    setNotifications((before) => settle(before, notificationsAnswer));
    setOffline(
      [pageAnswer, giftsAnswer, notificationsAnswer].some(
        (answer) => answer.status === 'rejected' && asApiError(answer.reason).kind === 'network',
      ),
    );
  }, [customerId]);

  const refresh = usePolling(poll, POLL_INTERVAL_MS);
  return { page, gifts, notifications, offline, refresh };
}

/** Version 0: no event mentioned this customer yet (proto3 JSON may leave a zero out). */
function isEmptyPage(page: MyPage): boolean {
  return !page.unchanged && (page.version === undefined || page.version === '' || page.version === '0');
}

function settle<T>(before: Loaded<T>, answer: PromiseSettledResult<T>): Loaded<T> {
  if (answer.status === 'fulfilled') return { data: answer.value, settled: true };
  return { data: before.data, error: asApiError(answer.reason), settled: true };
}

function isNotFound(error: unknown, code: string): boolean {
  return error instanceof ApiError && error.errorCode === code;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('http', 0, 2, error instanceof Error ? error.message : String(error));
}
