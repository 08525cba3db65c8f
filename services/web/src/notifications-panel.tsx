import type { NotificationList } from './api-types.js';
import { Panel, PanelNote } from './panel.js';
import { formatTime } from './status-labels.js';

interface Props {
  readonly list?: NotificationList;
  readonly busy: boolean;
  /** The list could not be fetched (not for want of a connection: that is said page-wide). */
  readonly unavailable: boolean;
  readonly marking: boolean;
  /** No ids: all of them. */
  readonly onMarkRead: (notificationIds: string[]) => void;
}

/** What happened, newest first, with the unread ones marked. */
export function NotificationsPanel({ list, busy, unavailable, marking, onMarkRead }: Props) {
  const unread = list?.unreadCount ?? 0;
  return (
    <Panel
      id="notifications"
      title="Notifications"
      busy={busy}
      aside={
        unread > 0 && (
          <span class="unread-badge" data-testid="unread-count" role="status" aria-label={`${unread} unread`}>
            {unread}
          </span>
        )
      }
    >
      {unavailable && (
        <PanelNote>
          {list ? "Notifications can't be refreshed right now." : "Notifications can't be loaded right now. We'll keep trying."}
        </PanelNote>
      )}
      {unread > 0 && (
        <button type="button" class="secondary" onClick={() => onMarkRead([])} disabled={marking} aria-busy={marking ? 'true' : 'false'}>
          Mark all as read
        </button>
      )}
      {list && list.notifications.length > 0 ? (
        <ul class="items">
          {list.notifications.map((notification) => (
            <li key={notification.notificationId} class={`item notification${notification.read ? '' : ' unread'}`}>
              <div class="item-main">
                <span class="item-title">
                  {!notification.read && <span class="dot" aria-hidden="true" />}
                  {!notification.read && <span class="sr-only">New: </span>}
                  {notification.text}
                </span>
                <span class="item-meta">{formatTime(notification.createdAt)}</span>
              </div>
              {!notification.read && (
                <button type="button" class="link" onClick={() => onMarkRead([notification.notificationId])} disabled={marking}>
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        list && <p class="muted">No notifications yet.</p>
      )}
    </Panel>
  );
}
