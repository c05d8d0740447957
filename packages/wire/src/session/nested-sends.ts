import type { SendOutcome } from '../connection/send-outcome';

/** A payload encoded while another message was, and the settling of its send. */
interface NestedSend {
  readonly payload: string | Uint8Array;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Sends made while a session's message is being encoded into its log (a getter that
 * sends): the log has one frame open at a time, so each is encoded on its own at once
 * and kept once that message is done, after it (as the frame writer puts a frame written
 * while another is encoded after it). Rare: a list and a promise each is fine.
 */
export class NestedSends {
  #waiting: NestedSend[] = [];

  /** True when no send waits. */
  get empty(): boolean {
    return this.#waiting.length === 0;
  }

  /** Holds `payload` until {@link NestedSends.drain}; the promise settles as its send does. */
  add(payload: string | Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#waiting.push({ payload, resolve, reject }));
  }

  /** Hands each payload held, in order, to `keep`, and settles its send with the outcome (sends made meanwhile included). */
  drain(keep: (payload: string | Uint8Array) => SendOutcome): void {
    while (this.#waiting.length > 0) {
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const { payload, resolve, reject } of waiting) {
        const outcome = keep(payload);
        if (outcome instanceof Error) reject(outcome);
        else outcome.then(resolve, reject);
      }
    }
  }
}
