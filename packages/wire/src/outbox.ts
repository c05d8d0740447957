import { BadConnError } from '@oon/core';

/**
 * The bound on a connection's write side: a peer that leaves more than
 * `maxPendingBytes` unread is refused further frames, so a peer that does not read
 * costs a bounded amount of memory. What counts is what the socket still holds for the
 * peer (its `writableLength`); bytes the kernel has taken do not, nor the frame writer's
 * batch of the current tick, which is handed over once it reaches 256 KiB.
 */
export class Outbox {
  readonly #pending: () => number;
  readonly #maxPendingBytes: number;

  /** `pending` tells how many bytes wait for the peer now. */
  constructor(pending: () => number, maxPendingBytes: number) {
    this.#pending = pending;
    this.#maxPendingBytes = maxPendingBytes;
  }

  /**
   * Whether a frame of `bytes` may be queued: 0 if so, else the bytes already waiting
   * (the frame would take them past the limit). One frame bigger than the limit still
   * goes to a peer that has read everything.
   */
  refusal(bytes: number): number {
    const pending = this.#pending();
    return pending > 0 && pending + bytes > this.#maxPendingBytes ? pending : 0;
  }

  /** The error a refused write evicts the peer with. */
  slowConsumer(peer: string, pending: number): BadConnError {
    return new BadConnError(
      `${peer} is not reading: ${pending} bytes wait to be sent, over maxPendingBytes (${this.#maxPendingBytes}); evicted as a slow consumer`,
    );
  }
}
