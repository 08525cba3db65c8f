import type { SignedIn } from './player-session.js';

interface Props {
  readonly signedIn?: SignedIn;
  readonly onSignIn: () => void;
  readonly onSignOut: () => void;
}

/** Who is signed in, and the way out (or in). */
export function SignedInBar({ signedIn, onSignIn, onSignOut }: Props) {
  if (!signedIn) {
    return (
      <div class="account">
        <button type="button" class="primary" onClick={onSignIn}>
          Sign in
        </button>
      </div>
    );
  }
  return (
    <div class="account">
      <span class="account-name">
        Signed in as <strong data-testid="signed-in-as">{signedIn.customerId}</strong>
      </span>
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}
