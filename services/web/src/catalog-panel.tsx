import type { ApiError } from './api-client.js';
import type { Gift } from './api-types.js';
import { EmptyCatalogHint } from './empty-catalog-hint.js';
import { Panel, PanelNote } from './panel.js';

interface Props {
  readonly gifts?: readonly Gift[];
  readonly error?: ApiError;
  readonly busy: boolean;
}

/** The gift catalog with what can still be had. */
export function CatalogPanel({ gifts, error, busy }: Props) {
  return (
    <Panel id="catalog" title="Gift catalog" busy={busy}>
      {error && error.kind !== 'network' && (
        <PanelNote>
          {gifts ? "The gift shop isn't answering right now; this is the last stock we saw." : "The gift shop isn't answering right now."}
        </PanelNote>
      )}
      {gifts && gifts.length > 0 ? (
        <ul class="items">
          {gifts.map((gift) => (
            <li key={gift.giftId} class="item" data-gift-id={gift.giftId}>
              <div class="item-main">
                <span class="item-title">{gift.name}</span>
                <span class="item-meta">
                  {gift.reservedCount > 0 ? `${gift.stockCount} in stock, ${gift.reservedCount} reserved` : `${gift.stockCount} in stock`}
                </span>
              </div>
              <span class={`badge ${gift.availableCount > 0 ? 'badge-good' : 'badge-bad'}`}>
                {gift.availableCount > 0 ? `${gift.availableCount} available` : 'Out of stock'}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        gifts && <EmptyCatalogHint where="catalog" />
      )}
    </Panel>
  );
}
