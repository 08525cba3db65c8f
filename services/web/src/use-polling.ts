import { useCallback, useEffect, useRef } from 'preact/hooks';

/**
 * Runs `poll` now and then every intervalMs while the tab is visible (a hidden tab costs the
 * server nothing), and at once when it becomes visible again. Polls never overlap: a refresh
 * asked for during one runs right after it. Returns that refresh.
 */
export function usePolling(poll: () => Promise<void>, intervalMs: number): () => void {
  const latest = useRef(poll);
  latest.current = poll;
  const state = useRef({ running: false, again: false, timer: 0 as ReturnType<typeof setTimeout> | 0, stopped: false });

  const run = useCallback(async () => {
    const s = state.current;
    if (s.stopped) return;
    if (s.running) {
      s.again = true;
      return;
    }
    if (s.timer) clearTimeout(s.timer);
    s.timer = 0;
    s.running = true;
    try {
      await latest.current();
    } finally {
      s.running = false;
      if (!s.stopped) {
        if (s.again) {
          s.again = false;
          void run();
        } else if (document.visibilityState === 'visible') {
          s.timer = setTimeout(() => void run(), intervalMs);
        }
      }
    }
  }, [intervalMs]);

  useEffect(() => {
    const s = { running: false, again: false, timer: 0 as ReturnType<typeof setTimeout> | 0, stopped: false };
    state.current = s;
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void run();
    };
    document.addEventListener('visibilitychange', onVisibility);
    void run();
    return () => {
      s.stopped = true;
      if (s.timer) clearTimeout(s.timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [run]);

  return useCallback(() => void run(), [run]);
}
