import type { Duplex } from 'node:stream';
import { BadConnError } from '@oon/core';

/**
 * The write side of a connection, bounded: a peer that leaves more than
 * `maxPendingBytes` unread is refused further frames, so a peer that does not read
 * costs a bounded amount of memory. Bytes the kernel has taken do not count: only what
 * Node still holds for the socket (`writableLength`).
 */
export class Outbox {
  readonly #socket: Duplex;
  readonly #maxPendingBytes: number;

  constructor(socket: Duplex, maxPendingBytes: number) {
    this.#socket = socket;
    this.#maxPendingBytes = maxPendingBytes;
  }

  /**
   * Writes `frame`, or refuses it when the bytes already waiting plus it would pass the
   * limit: returns those waiting bytes then (0 when written). One frame bigger than the
   * limit still goes to a peer that has read everything.
   */
  write(frame: Buffer, callback?: (err?: Error | null) => void): number {
    const pending = this.#socket.writableLength;
    if (pending > 0 && pending + frame.length > this.#maxPendingBytes) return pending;
    this.#socket.write(frame, callback);
    return 0;
  }

  /** The error a refused write evicts the peer with. */
  slowConsumer(peer: string, pending: number): BadConnError {
    return new BadConnError(
      `${peer} is not reading: ${pending} bytes wait to be sent, over maxPendingBytes (${this.#maxPendingBytes}); evicted as a slow consumer`,
    );
  }
}
