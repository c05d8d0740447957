import type { OonError } from '@oon/core';
import type { DisconnectReason } from '@oon/wire';
import { describeLinkLoss, type LinkLoss } from '@oon/wire/internal';
import type { ClientStatus } from './events';

/** How the client's last link ended, if it was not reconnected. */
type Ending = 'reconnecting' | 'not retried' | 'reconnect off' | 'gave up' | 'closed';

/**
 * What an {@link OonClient} remembers of its link's last end (when, why, the reconnect
 * attempt under way, or why it stopped), so that a call made while it is not connected
 * says what happened rather than "connect first".
 */
export class LinkHistory {
  #loss: LinkLoss | undefined;
  #ending: Ending = 'closed';
  #attempt = 0;
  #gaveUp = '';

  /** The link ended for `reason` (with `error`, unless it was clean); `retried` says whether a reconnect follows. */
  lost(reason: DisconnectReason, error: OonError | undefined, retried: 'reconnecting' | 'not retried' | 'reconnect off'): void {
    this.#loss = { at: Date.now(), reason, error };
    this.#ending = retried;
    this.#attempt = 0;
  }

  /** Reconnect attempt `attempt` (1-based) is under way. */
  attempting(attempt: number): void {
    this.#attempt = attempt;
  }

  /** Reconnecting stopped for good after `attempts`, the last failing with `why`. */
  gaveUp(attempts: number, why: string): void {
    this.#ending = 'gave up';
    this.#gaveUp = `gave up reconnecting after ${attempts} attempts (the last: ${why})`;
  }

  /** `close()` was called: what went before no longer matters. */
  closed(): void {
    this.#ending = 'closed';
    this.#loss = undefined;
  }

  /** Why the client is not connected to `where` now, in `status`, as a sentence for a `BadConn` message. */
  describe(where: string, status: ClientStatus): string {
    if (status === 'idle') return `not connected to ${where}: await connect() first`;
    if (status === 'connecting') return `not connected to ${where} yet: connect() has not finished; await it first`;
    const loss = this.#loss;
    if (loss === undefined || this.#ending === 'closed') return `not connected to ${where}: the client was closed; connect() to start again`;
    const lost = describeLinkLoss(where, loss);
    switch (this.#ending) {
      case 'reconnecting':
        return `${lost}; reconnecting, attempt ${Math.max(1, this.#attempt)}`;
      case 'not retried':
        return `${lost}, which is not retried; connect() to start again`;
      case 'reconnect off':
        return `${lost}; reconnect is off (reconnect: false), connect() to start again`;
      default:
        return `${lost}; ${this.#gaveUp}; connect() to start again`;
    }
  }
}
