/** Milliseconds before the first reconnect attempt, at most (full jitter picks 0 to this). @default 100 */
export const DEFAULT_RECONNECT_INITIAL_DELAY = 100;

/** Largest wait between reconnect attempts, in milliseconds. @default 30000 */
export const DEFAULT_RECONNECT_MAX_DELAY = 30_000;

/** How {@link OonClient} reconnects after its link drops. */
export interface ReconnectOptions {
  /** Milliseconds the first wait is drawn below; each attempt doubles it. @default 100 */
  initialDelay?: number;
  /** Ceiling of the wait, in milliseconds. @default 30000 */
  maxDelay?: number;
  /** Attempts before giving up (the client then closes, reporting any loss). @default Infinity */
  maxAttempts?: number;
}

/** Reconnect options with every default filled in. */
export type ResolvedReconnectOptions = Readonly<Required<ReconnectOptions>>;

/** Validates reconnect options; throws `TypeError`/`RangeError` on a caller mistake. */
export function resolveReconnectOptions(options: ReconnectOptions | boolean | undefined): ResolvedReconnectOptions | undefined {
  if (options === false) return undefined;
  if (options !== undefined && options !== true && (typeof options !== 'object' || options === null)) {
    throw new TypeError('reconnect must be false, true, or { initialDelay, maxDelay, maxAttempts }');
  }
  const given = typeof options === 'object' ? options : {};
  const { initialDelay = DEFAULT_RECONNECT_INITIAL_DELAY, maxDelay = DEFAULT_RECONNECT_MAX_DELAY, maxAttempts = Infinity } = given;
  if (!(initialDelay > 0)) throw new RangeError(`reconnect.initialDelay must be a positive number of milliseconds, got ${String(initialDelay)}`);
  if (!(maxDelay >= initialDelay)) throw new RangeError(`reconnect.maxDelay must be at least initialDelay (${initialDelay}), got ${String(maxDelay)}`);
  if (!(maxAttempts >= 1)) throw new RangeError(`reconnect.maxAttempts must be 1 or more, got ${String(maxAttempts)}`);
  return Object.freeze({ initialDelay, maxDelay, maxAttempts });
}

/**
 * The wait before reconnect attempt `attempt` (1-based): exponential backoff with full
 * jitter, a uniform draw from 0 to `min(maxDelay, initialDelay * 2^(attempt-1))`, so
 * clients cut off together do not all come back at the same instant.
 */
export function backoffDelay(attempt: number, policy: Pick<ResolvedReconnectOptions, 'initialDelay' | 'maxDelay'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelay, policy.initialDelay * 2 ** Math.min(attempt - 1, 40));
  return Math.round(random() * ceiling);
}
