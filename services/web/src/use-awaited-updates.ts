import { useRef } from 'preact/hooks';

/** How long an action's effect may take to show up on the page before we stop waiting for it. */
const AWAIT_MS = 15_000;

/**
 * Things an action changed that the page does not show changed yet: My Page is built from
 * events and trails the action by a moment. Until it catches up, the thing stays busy, so
 * nobody exchanges the same reward twice or cancels an order already cancelled.
 * `pending(stillOld)` names those the page still shows as they were; once the page shows the
 * change (or the wait is over) a thing is forgotten, so a later change back is not held up.
 */
export function useAwaitedUpdates() {
  const awaited = useRef(new Map<string, number>());
  return {
    /** Call before the state change that re-renders the page. */
    await(id: string): void {
      awaited.current.set(id, Date.now() + AWAIT_MS);
    },
    pending(stillOld: (id: string) => boolean): string[] {
      for (const [id, until] of awaited.current) {
        if (Date.now() >= until || !stillOld(id)) awaited.current.delete(id);
      }
      return [...awaited.current.keys()];
    },
  };
}
