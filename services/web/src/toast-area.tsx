import type { Toast } from './use-toasts.js';

interface Props {
  readonly toasts: readonly Toast[];
  /** A standing notice (e.g. the connection is down) shown until it no longer applies. */
  readonly notice?: string;
  readonly onDismiss: (id: number) => void;
}

/** Where the page tells the person what happened; a live region, so screen readers announce it. */
export function ToastArea({ toasts, notice, onDismiss }: Props) {
  return (
    <div class="toast-area" id="toast-area" aria-live="polite" aria-relevant="additions text">
      {notice && (
        <p class="toast toast-notice" data-testid="connection-notice">
          <span class="toast-text">{notice}</span>
        </p>
      )}
      {/* A toast saying what the standing notice says already would say it twice. */}
      {toasts
        .filter((toast) => toast.text !== notice)
        .map((toast) => (
          <p key={toast.id} class={`toast toast-${toast.tone}`} data-tone={toast.tone}>
            <span class="toast-text">{toast.text}</span>
            <button type="button" class="toast-dismiss" onClick={() => onDismiss(toast.id)}>
              Dismiss
            </button>
          </p>
        ))}
    </div>
  );
}
