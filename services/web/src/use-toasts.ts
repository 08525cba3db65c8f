import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Toast {
  readonly id: number;
  readonly tone: 'error' | 'info';
  readonly text: string;
  /** What it is about: a newer toast about the same thing replaces the older one. */
  readonly about?: string;
}

/** Long enough to read twice; errors stay longer (they say what to do). */
const SHOWN_MS = { info: 5000, error: 10_000 } as const;
/** More at once is a pile nobody reads; phones show fewer still (styles.css). */
const MAX_SHOWN = 3;

/**
 * Short messages for the toast area; each leaves by itself or when dismissed. The same text is
 * shown once, and only the newest toast about one thing (e.g. one reward's exchange) stays.
 */
export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((shown) => shown.filter((toast) => toast.id !== id));
  }, []);

  const show = useCallback(
    (tone: Toast['tone'], text: string, about?: string) => {
      const id = nextId.current++;
      setToasts((shown) => {
        const kept = shown.filter((toast) => toast.text !== text && (about === undefined || toast.about !== about));
        return [...kept, { id, tone, text, about }].slice(-MAX_SHOWN);
      });
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), SHOWN_MS[tone]),
      );
    },
    [dismiss],
  );

  useEffect(
    () => () => {
      for (const timer of timers.current.values()) clearTimeout(timer);
    },
    [],
  );
  return { toasts, show, dismiss };
}
