import { backoffDelay, type ResolvedReconnectOptions } from './backoff';

/** What {@link Reconnector.run} came to. */
export type ReconnectOutcome =
  | { readonly kind: 'connected'; readonly attempts: number }
  | { readonly kind: 'gave up'; readonly attempts: number; readonly error: unknown }
  | { readonly kind: 'cancelled' };

/** What a {@link Reconnector} does at each step. */
export interface ReconnectSteps {
  /** Before each wait: the attempt number (1-based) and the wait in ms. */
  waiting(attempt: number, delay: number): void;
  /** One attempt; rejects if it fails. */
  attempt(): Promise<void>;
  /** True when a failure cannot be cured by trying again (the server refused us). */
  isFinal(error: unknown): boolean;
}

/** The reconnect loop: wait (backoff with full jitter), try, repeat; cancellable at any point. */
export class Reconnector {
  readonly #policy: ResolvedReconnectOptions;
  readonly #steps: ReconnectSteps;
  #cancelled = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(policy: ResolvedReconnectOptions, steps: ReconnectSteps) {
    this.#policy = policy;
    this.#steps = steps;
  }

  /** Tries until connected, told to stop (`cancel()`), refused for good, or out of attempts. */
  async run(): Promise<ReconnectOutcome> {
    let error: unknown;
    for (let attempt = 1; attempt <= this.#policy.maxAttempts; attempt++) {
      const delay = backoffDelay(attempt, this.#policy);
      this.#steps.waiting(attempt, delay);
      await this.#sleep(delay);
      if (this.#cancelled) return { kind: 'cancelled' };
      try {
        await this.#steps.attempt();
        // Connected just as close() was called: close() takes the new link down.
        if (this.#cancelled) return { kind: 'cancelled' };
        return { kind: 'connected', attempts: attempt };
      } catch (err) {
        if (this.#cancelled) return { kind: 'cancelled' };
        error = err;
        if (this.#steps.isFinal(err)) return { kind: 'gave up', attempts: attempt, error };
      }
    }
    return { kind: 'gave up', attempts: this.#policy.maxAttempts, error };
  }

  /** Stops the loop: a wait ends at once, and no further attempt starts. */
  cancel(): void {
    this.#cancelled = true;
    clearTimeout(this.#timer);
    this.#wake?.();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, ms);
    });
  }
}
