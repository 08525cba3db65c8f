import type { Gift } from './api-types.js';

interface Props {
  readonly id: string;
  readonly gifts: readonly Gift[];
  readonly chosen?: Gift;
  readonly disabled: boolean;
  readonly onChoose: (giftId: string) => void;
}

/**
 * The gift to exchange a reward for. A closed drop-down shows only as much of a name as fits,
 * so the chosen gift's whole name is written out under it, wrapping on a narrow screen.
 */
export function GiftChoice({ id, gifts, chosen, disabled, onChoose }: Props) {
  return (
    <>
      <select
        id={id}
        value={chosen?.giftId ?? ''}
        title={chosen?.name}
        disabled={disabled}
        onChange={(event) => onChoose((event.target as HTMLSelectElement).value)}
      >
        {gifts.map((option) => (
          <option key={option.giftId} value={option.giftId} disabled={option.availableCount <= 0}>
            {option.availableCount > 0 ? `${option.name} (${option.availableCount} left)` : `${option.name} (out of stock)`}
          </option>
        ))}
      </select>
      {chosen && (
        <p class="gift-chosen small" data-testid="gift-chosen">
          {chosen.name} <span class="muted">· {chosen.availableCount} left</span>
        </p>
      )}
    </>
  );
}
