import { TimeoutError } from '@oon/core';
import type { Transport } from '@oon/wire/internal';
import { dial } from './dial';
import type { ResolvedClientOptions } from './options';

/**
 * The client's endpoints, and one bounded attempt at them: which is dialed next (the one
 * connected to, while connected), how it is named in messages, and the dial and the
 * handshake over it bounded together by `connectTimeout`. A failed attempt moves on to the
 * next endpoint, for the next attempt.
 */
export class Endpoints {
  readonly #options: ResolvedClientOptions;
  #index = 0;

  constructor(options: ResolvedClientOptions) {
    this.#options = options;
  }

  /** The current endpoint's address: its `url`, `path` or `host:port`. */
  where(): string {
    const { endpoints } = this.#options;
    const { url, path, host, port } = endpoints[this.#index % endpoints.length] ?? this.#options;
    return url ?? path ?? `${host}:${port}`;
  }

  /**
   * Tries each endpoint in turn, from the current one, until one connects; rejects with the
   * last one's error, or at the first failure once `stopped()` says so (the client closed).
   */
  async dialAny(handshake: (connected: Promise<Transport>) => Promise<void>, stopped: () => boolean): Promise<void> {
    for (let tried = 1; ; tried += 1) {
      try {
        await this.dial(handshake);
        return;
      } catch (err) {
        if (tried >= this.#options.endpoints.length || stopped()) throw err;
      }
    }
  }

  /** Dials the current endpoint and runs `handshake` over it, both within `connectTimeout`. */
  async dial(handshake: (connected: Promise<Transport>) => Promise<void>): Promise<void> {
    const { connectTimeout, endpoints } = this.#options;
    const dialing = dial({ ...this.#options, ...endpoints[this.#index % endpoints.length] }, this.where());
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        dialing.cancel();
        reject(new TimeoutError(`no OON server answered at ${this.where()} within ${connectTimeout} ms (connectTimeout)`));
      }, connectTimeout);
    });
    try {
      await Promise.race([handshake(dialing.connected), deadline]);
    } catch (err) {
      dialing.cancel();
      this.#index = (this.#index + 1) % endpoints.length;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
