/**
 * Waits for other nodes' answers to `request`: `entry` makes what is kept in `waiting`
 * (given the `done` that settles the promise, and forgets it) until the answers come, or
 * `late` decides once `timeout` ms have passed. The promise is marked handled: a caller
 * may fail before awaiting it.
 */
export function awaitAnswer<T, E>(request: string, waiting: Map<string, E>, entry: (done: (result: T) => void) => E, late: () => void, timeout: number): Promise<T> {
  const answered = new Promise<T>((resolve) => {
    const timer = setTimeout(late, timeout);
    waiting.set(
      request,
      entry((result) => {
        clearTimeout(timer);
        waiting.delete(request);
        resolve(result);
      }),
    );
  });
  answered.catch(() => {});
  return answered;
}
