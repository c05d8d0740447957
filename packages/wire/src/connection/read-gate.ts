import type { Transport } from '../transport/transport';

/** Why a connection has stopped reading its socket. */
export type PauseReason = 'inbox full' | 'holding frames';

/**
 * Decides in one place whether a socket reads: it is paused while any reason holds.
 *
 * Without it, two independent pausers (a full inbox, frames held during the handshake)
 * undo each other: one's `resume()` restarts a socket the other still needs stopped.
 */
export class ReadGate {
  readonly #socket: Pick<Transport, 'pause' | 'resume'>;
  readonly #reasons = new Set<PauseReason>();

  constructor(socket: Pick<Transport, 'pause' | 'resume'>) {
    this.#socket = socket;
  }

  /** True while any reason keeps the socket from reading. */
  get paused(): boolean {
    return this.#reasons.size > 0;
  }

  /** Stops reading for `reason` (idempotent). */
  pause(reason: PauseReason): void {
    if (this.#reasons.size === 0) this.#socket.pause();
    this.#reasons.add(reason);
  }

  /** Lifts `reason`; the socket reads again once no reason is left. */
  resume(reason: PauseReason): void {
    if (!this.#reasons.delete(reason) || this.#reasons.size > 0) return;
    this.#socket.resume();
  }
}
