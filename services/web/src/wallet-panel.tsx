import { useState } from 'preact/hooks';
import type { Gift, RewardEntry } from './api-types.js';
import { EmptyCatalogHint } from './empty-catalog-hint.js';
import { GiftChoice } from './gift-choice.js';
import { Panel, StatusBadge } from './panel.js';
import { formatTime, orderLabel, rewardLabel, shortId } from './status-labels.js';

interface Props {
  readonly rewards?: readonly RewardEntry[];
  readonly gifts: readonly Gift[];
  /** The catalog could not be loaded at all (the gift shop is down since the page opened). */
  readonly catalogMissing: boolean;
  readonly busy: boolean;
  /** Rewards with an exchange on its way. */
  readonly exchanging: ReadonlySet<string>;
  readonly onExchange: (rewardId: string, gift: Gift) => void;
}

/** The rewards in the wallet and where each stands; an available one can be exchanged for a gift. */
export function WalletPanel({ rewards, gifts, catalogMissing, busy, exchanging, onExchange }: Props) {
  const available = rewards?.filter((reward) => reward.walletStatus === 'WALLET_STATUS_AVAILABLE').length;
  return (
    <Panel id="wallet" title="Wallet" busy={busy} aside={available !== undefined && <span class="count">{available} available</span>}>
      {rewards && rewards.length > 0 ? (
        <ul class="items">
          {rewards.map((reward) => (
            <RewardRow
              key={reward.rewardId}
              reward={reward}
              gifts={gifts}
              catalogMissing={catalogMissing}
              exchanging={exchanging.has(reward.rewardId)}
              onExchange={onExchange}
            />
          ))}
        </ul>
      ) : (
        <p class="muted">No rewards yet. Each mission you achieve earns one.</p>
      )}
    </Panel>
  );
}

interface RowProps {
  readonly reward: RewardEntry;
  readonly gifts: readonly Gift[];
  readonly catalogMissing: boolean;
  readonly exchanging: boolean;
  readonly onExchange: (rewardId: string, gift: Gift) => void;
}

function RewardRow({ reward, gifts, catalogMissing, exchanging, onExchange }: RowProps) {
  const [chosen, setChosen] = useState('');
  const inStock = gifts.filter((gift) => gift.availableCount > 0);
  const gift = inStock.find((candidate) => candidate.giftId === chosen) ?? inStock[0];
  const selectId = `gift-for-${reward.rewardId}`;
  const canExchange = reward.walletStatus === 'WALLET_STATUS_AVAILABLE';

  return (
    <li class="item reward" data-reward-id={reward.rewardId}>
      <div class="item-row">
        <div class="item-main">
          <span class="item-title" title={reward.rewardId}>
            Reward {reward.missionCode ? `for ${reward.missionCode}` : shortId(reward.rewardId)}
          </span>
          <span class="item-meta">{rewardNote(reward)}</span>
        </div>
        <StatusBadge label={rewardLabel(reward)} prefix="Status" />
      </div>
      {canExchange &&
        (gifts.length === 0 ? (
          catalogMissing ? (
            <p class="muted small">The gift catalog can't be loaded right now; exchanges will be back shortly.</p>
          ) : (
            <EmptyCatalogHint where="exchange" />
          )
        ) : (
          <form
            class="exchange"
            onSubmit={(event) => {
              event.preventDefault();
              if (gift && !exchanging) onExchange(reward.rewardId, gift);
            }}
          >
            <label for={selectId}>Gift</label>
            <GiftChoice id={selectId} gifts={gifts} chosen={gift} disabled={exchanging} onChoose={setChosen} />
            <button type="submit" disabled={!gift || exchanging} aria-busy={exchanging ? 'true' : 'false'}>
              {exchanging ? 'Exchanging…' : 'Exchange'}
              <span class="sr-only"> the reward {reward.missionCode ? `for ${reward.missionCode}` : ''}</span>
            </button>
            {!gift && <p class="muted small exchange-note">Every gift is out of stock right now.</p>}
          </form>
        ))}
    </li>
  );
}

/** The reward's story in a few words: when it was earned, or what its latest gift order did. */
function rewardNote(reward: RewardEntry): string {
  const order = reward.order;
  if (!order || order.status === 'ORDER_STATUS_UNSPECIFIED') return `Earned ${formatTime(reward.creditedAt ?? reward.issuedAt)}`;
  const gift = order.giftName || order.giftId;
  if (reward.walletStatus === 'WALLET_STATUS_AVAILABLE') {
    return order.status === 'ORDER_STATUS_REJECTED'
      ? `Back in your wallet: the ${gift} order was not accepted`
      : `Back in your wallet: the ${gift} order was cancelled`;
  }
  return `For ${gift} · ${orderLabel(order.status).text.toLowerCase()}`;
}
