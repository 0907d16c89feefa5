/**
 * Runs `work` once and shares its promise with every caller; a failure is not remembered, so the
 * next call tries again (a server that was down at start-up is asked again later).
 */
export function onceUntilFailure<T>(work: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      pending = work();
      pending.catch(() => (pending = undefined));
    }
    return pending;
  };
}
