import type { MyPage } from './api-types.js';

/** The page's counts at a glance. */
export function SummaryBar({ counts }: { readonly counts: NonNullable<MyPage['counts']> }) {
  const tiles = [
    { label: 'Missions achieved', value: counts.missionsAchieved },
    { label: 'Rewards available', value: counts.rewardsAvailable },
    { label: 'Rewards exchanged', value: counts.rewardsExchanged },
    { label: 'Open orders', value: counts.ordersOpen },
  ];
  return (
    <dl class="summary">
      {tiles.map((tile) => (
        <div key={tile.label} class="summary-tile">
          <dt>{tile.label}</dt>
          <dd>{tile.value ?? 0}</dd>
        </div>
      ))}
    </dl>
  );
}
