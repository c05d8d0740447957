/** Milliseconds the first refused `auth` from an address waits before its refusal; doubled per failure since. */
export const AUTH_DELAY_BASE_MS = 50;

/**
 * The longest wait before a refusal, and at most half of `handshakeTimeout`, so the
 * handshake deadline does not pass first and the client still hears why.
 */
export const AUTH_DELAY_MAX_MS = 2_000;

/** Milliseconds without a failure after which an address's count is forgotten. */
export const AUTH_FAILURE_MEMORY_MS = 60_000;

/** Addresses whose failures are remembered at once; past it the one that failed longest ago is forgotten. */
export const AUTH_TRACKED_ADDRESSES = 10_000;

interface Failures {
  count: number;
  last: number;
}

/**
 * Slows an address that keeps failing `auth`: each refusal waits
 * {@link AUTH_DELAY_BASE_MS} × 2^(failures so far), at most {@link AUTH_DELAY_MAX_MS}
 * (and half of `handshakeTimeout`),
 * before the client is told. The connection holds one of its address's handshake slots
 * meanwhile (`maxHandshakingPerAddress`), so an address guessing tokens in parallel
 * gets a few guesses a second, not thousands. A client that passes is never delayed, and
 * passing does not reset the count (a guesser behind the same NAT would profit). Memory is bounded: at most
 * {@link AUTH_TRACKED_ADDRESSES} addresses, each a count and a time.
 */
export class AuthThrottle {
  /** In order of last failure, oldest first (re-inserted on each failure). */
  readonly #failures = new Map<string, Failures>();
  readonly #maxDelay: number;

  /** `handshakeTimeout`: the waits stay under half of it. */
  constructor(handshakeTimeout: number) {
    this.#maxDelay = Math.min(AUTH_DELAY_MAX_MS, handshakeTimeout / 2);
  }

  /** Records a refusal from `address` and resolves when its client may be told. */
  refused(address: string | undefined): Promise<void> {
    if (address === undefined) return Promise.resolve();
    const now = Date.now();
    const seen = this.#failures.get(address);
    const count = seen !== undefined && now - seen.last < AUTH_FAILURE_MEMORY_MS ? seen.count + 1 : 1;
    this.#failures.delete(address);
    if (this.#failures.size >= AUTH_TRACKED_ADDRESSES) this.#failures.delete(this.#failures.keys().next().value as string);
    this.#failures.set(address, { count, last: now });
    const delay = Math.min(this.#maxDelay, AUTH_DELAY_BASE_MS * 2 ** Math.min(count - 1, 16));
    // Unref'd: a refusal still waiting does not keep a closed server's process alive.
    return new Promise((resolve) => setTimeout(resolve, delay).unref());
  }

  /** Addresses remembered now (for tests of the bound). */
  get size(): number {
    return this.#failures.size;
  }
}
