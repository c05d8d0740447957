import { BadConnError } from '@oon/core';

/**
 * The bound on a connection's write side: a peer that leaves more than
 * `maxPendingBytes` unread is refused further frames, so a peer that does not read
 * costs a bounded amount of memory. What counts is what the socket still holds for the
 * peer (its `writableLength`); bytes the kernel has taken do not, nor the frame writer's
 * batch of the current tick, which is handed over once it reaches 256 KiB.
 *
 * A resumable session's messages are bounded by the session (`maxBufferedBytes`
 * unacknowledged; past it its sends wait for acks), and evicting its peer would free
 * none of them (the session keeps them to resend) yet end the link at once, at worst
 * right as it resumes and resends. So the bytes of session messages in flight are
 * allowed on top of the limit: session messages never make a peer a slow consumer, and
 * the rest (requests, replies, pings, acks) still may not pass `maxPendingBytes`.
 */
export class Outbox {
  readonly #pending: () => number;
  readonly #allowance: () => number;
  readonly #maxPendingBytes: number;

  /**
   * `pending` tells how many bytes wait for the peer now; `allowance` how many of the
   * session's bytes in flight may be among them, on top of `maxPendingBytes`.
   */
  constructor(pending: () => number, maxPendingBytes: number, allowance: () => number = () => 0) {
    this.#pending = pending;
    this.#allowance = allowance;
    this.#maxPendingBytes = maxPendingBytes;
  }

  /**
   * Whether a frame of `bytes` may be queued: 0 if so, else the bytes already waiting
   * (the frame would take them past the limit). One frame bigger than the limit still
   * goes to a peer that has read everything.
   */
  refusal(bytes: number): number {
    const pending = this.#pending();
    return pending > 0 && pending + bytes > this.#maxPendingBytes + this.#allowance() ? pending : 0;
  }

  /** The error a refused write evicts the peer with. */
  slowConsumer(peer: string, pending: number): BadConnError {
    const allowance = this.#allowance();
    const session = allowance > 0 ? ` (and ${allowance} bytes of session messages in flight)` : '';
    return new BadConnError(
      `${peer} is not reading: ${pending} bytes wait to be sent, over maxPendingBytes (${this.#maxPendingBytes})${session}; evicted as a slow consumer`,
    );
  }
}
