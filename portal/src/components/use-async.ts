import { useCallback, useEffect, useState } from 'preact/hooks';

export type AsyncState<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; error: unknown };

/** Runs `load` when `key` changes; `reload` runs it again; `set` replaces the value in place. */
export function useAsync<T>(load: () => Promise<T>, key: string) {
  const [result, setResult] = useState<AsyncState<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setResult({ state: 'loading' });
    load().then(
      (value) => current && setResult({ state: 'done', value }),
      (error: unknown) => current && setResult({ state: 'failed', error }),
    );
    return () => {
      current = false;
    };
    // `key` names what `load` fetches: a new key, a new load.
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const set = useCallback((value: T) => setResult({ state: 'done', value }), []);
  return { result, reload, set };
}
