import type { ComponentChildren } from 'preact';
import type { Label } from './status-labels.js';

interface PanelProps {
  readonly id: string;
  readonly title: string;
  /** Next to the title (a count, a badge). */
  readonly aside?: ComponentChildren;
  /** Nothing to show yet: the first answer is on its way. */
  readonly busy: boolean;
  /** Shown even while busy (what the person can do does not wait for the list). */
  readonly actions?: ComponentChildren;
  readonly children: ComponentChildren;
}

/** One area of the page: a titled region that says when it is still loading. */
export function Panel({ id, title, aside, busy, actions, children }: PanelProps) {
  return (
    <section class="panel" id={id} aria-labelledby={`${id}-title`} aria-busy={busy ? 'true' : 'false'}>
      <header class="panel-header">
        <h2 id={`${id}-title`}>{title}</h2>
        {aside}
      </header>
      {actions}
      {busy ? <p class="muted">Loading…</p> : children}
    </section>
  );
}

export function StatusBadge({ label, prefix }: { readonly label: Label; readonly prefix?: string }) {
  return (
    <span class={`badge badge-${label.tone}`}>
      {prefix && <span class="sr-only">{prefix}: </span>}
      {label.text}
    </span>
  );
}

/** A panel's own problem (its list could not be refreshed), said quietly inside it. */
export function PanelNote({ children }: { readonly children: ComponentChildren }) {
  return <p class="panel-note">{children}</p>;
}
