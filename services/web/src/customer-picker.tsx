import { useState } from 'preact/hooks';

/** The alphabet the platform accepts for customer ids (AchieveMissionRequest.customer_id). */
const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;

interface Props {
  readonly current: string;
  readonly recent: readonly string[];
  readonly onPick: (customerId: string) => void;
}

/** Type a customer id, or pick one used before on this device. */
export function CustomerPicker({ current, recent, onPick }: Props) {
  const [value, setValue] = useState(current);
  const [problem, setProblem] = useState('');

  const submit = (event: Event) => {
    event.preventDefault();
    const id = value.trim();
    if (!CUSTOMER_ID.test(id)) {
      setProblem('Use 1 to 64 letters, digits, "-" or "_".');
      return;
    }
    setProblem('');
    onPick(id);
  };

  return (
    <form class="picker" onSubmit={submit} noValidate>
      <label for="customer-id">Customer id</label>
      <div class="picker-row">
        <input
          id="customer-id"
          name="customer-id"
          type="text"
          inputMode="text"
          autoComplete="off"
          autoCapitalize="off"
          spellcheck={false}
          list="recent-customers"
          placeholder="e.g. player-11"
          value={value}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={problem ? 'customer-id-problem' : undefined}
          onInput={(event) => setValue((event.target as HTMLInputElement).value)}
        />
        <button type="submit">Open my page</button>
      </div>
      <datalist id="recent-customers">
        {recent.map((id) => (
          <option key={id} value={id} />
        ))}
      </datalist>
      {problem && (
        <p id="customer-id-problem" class="field-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
