import { TimeoutError, type OonError } from '@oon/core';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Calls waiting for the client's link to come back (a request made while reconnecting,
 * with `waitForReconnect`): each is bounded by its own deadline and signal, so none
 * outlives what its caller allowed, and all fail together if reconnecting stops.
 */
export class LinkWaiters {
  readonly #waiters = new Set<Waiter>();

  /**
   * Resolves when the link is up ({@link LinkWaiters.up}); rejects with `failure` if it
   * stops being awaited ({@link LinkWaiters.fail}), with `timedOut()` after `timeout` ms,
   * and with the signal's reason when aborted.
   */
  wait(timeout: number, signal: AbortSignal | undefined, timedOut: () => string): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const settle = (action: () => void): void => {
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        action();
      };
      const waiter: Waiter = { resolve: () => settle(resolve), reject: (error) => settle(() => reject(error)) };
      const onAbort = (): void => waiter.reject(signal?.reason);
      const timer = setTimeout(() => waiter.reject(new TimeoutError(timedOut())), timeout);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** The link is up: every waiter goes on. */
  up(): void {
    for (const waiter of [...this.#waiters]) waiter.resolve();
  }

  /** No link will come (the client gave up or was closed): every waiter fails with `error`. */
  fail(error: OonError): void {
    for (const waiter of [...this.#waiters]) waiter.reject(error);
  }
}
