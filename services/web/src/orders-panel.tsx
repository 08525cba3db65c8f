import type { OrderEntry } from './api-types.js';
import { Panel, StatusBadge } from './panel.js';
import { canCancel, deliveryLabel, formatTime, orderLabel, shortId } from './status-labels.js';

interface Props {
  readonly orders?: readonly OrderEntry[];
  readonly busy: boolean;
  /** Orders with a cancellation on its way. */
  readonly cancelling: ReadonlySet<string>;
  readonly onCancel: (order: OrderEntry) => void;
}

/** Gift orders with their delivery; one not handed over yet can be cancelled. */
export function OrdersPanel({ orders, busy, cancelling, onCancel }: Props) {
  return (
    <Panel id="orders" title="Gift orders" busy={busy}>
      {orders && orders.length > 0 ? (
        <ul class="items">
          {orders.map((order) => {
            const name = order.giftName || order.giftId;
            const pending = cancelling.has(order.orderId);
            return (
              <li key={order.orderId} class="item order" data-order-id={order.orderId}>
                <div class="item-row">
                  <div class="item-main">
                    <span class="item-title">{name}</span>
                    <span class="item-meta" title={order.orderId}>
                      Order {shortId(order.orderId)} · {formatTime(order.placedAt ?? order.updatedAt)}
                    </span>
                  </div>
                  <StatusBadge label={orderLabel(order.status)} prefix="Order" />
                </div>
                <div class="item-row">
                  <span class="delivery">
                    Delivery: <StatusBadge label={deliveryLabel(order.deliveryStatus)} />
                  </span>
                  {canCancel(order.status) && (
                    <button
                      type="button"
                      class="secondary"
                      onClick={() => onCancel(order)}
                      disabled={pending}
                      aria-busy={pending ? 'true' : 'false'}
                    >
                      {pending ? 'Cancelling…' : 'Cancel order'}
                      <span class="sr-only"> for {name}</span>
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        <p class="muted">No gift orders yet. Exchange a reward to order a gift.</p>
      )}
    </Panel>
  );
}
