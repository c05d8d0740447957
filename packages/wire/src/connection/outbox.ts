import { BadConnError } from '@oon/core';

/**
 * Bytes that control frames (ack, ping, pong, close) may take past `maxPendingBytes`:
 * they are tiny, and one must not evict a peer that sits at the bound for a moment
 * through no fault of its own (a session that resends what it held while the peer was
 * away). A peer that floods pings and does not read still meets a bound.
 */
export const CONTROL_ALLOWANCE_BYTES = 64 * 1024;

/** What a session holds for the peer over this connection (0 and 0 without one). */
export interface HeldSession {
  /** Bytes of every message not yet acknowledged: in flight, or waiting for room in the window. */
  readonly heldBytes: number;
  /** Of them, the bytes written to this connection (so perhaps still in its socket). */
  readonly inFlightBytes: number;
}

/**
 * The one bound on what a connection holds for its peer (`maxPendingBytes`): a peer
 * past it is a slow consumer, evicted, so a peer that does not read costs a bounded
 * amount of memory (docs/limits.md, "Slow consumers").
 *
 * What counts: the session's messages not yet acknowledged (in flight, and the sends
 * waiting for room in its window), and what the socket holds for the peer (its
 * `writableLength`) beyond the session's messages in flight: those are copies of bytes
 * the session already counts. A resend after a reconnect so adds nothing (the session
 * counted those messages when they were sent), and a stuck peer, which acknowledges
 * nothing, passes the bound as soon as more is sent to it. The frame writer's batch of
 * the current tick is not counted until it is handed to the socket (at 256 KiB or at the
 * end of the tick): a burst of one tick is not a slow consumer.
 */
export class Outbox {
  readonly #socketPending: () => number;
  readonly #session: HeldSession;
  readonly #maxPendingBytes: number;
  /**
   * Bytes of frames that may still be admitted in batch `#creditBatch` without reading
   * the bound again: within one batch what counts only grows by the session's messages
   * admitted here (the socket's share is read once per batch, the batch itself is not
   * counted, acks only free room), so the room found at one check, less what was
   * admitted since, is room. Sending one message to many peers checked each peer's bound
   * per message, a chain of calls into objects of its own per peer that was a tenth of
   * the send.
   */
  #credit = 0;
  #creditBatch = -1;

  /** `socketPending` tells the bytes the socket holds for the peer now; `session` what a session holds for it. */
  constructor(socketPending: () => number, maxPendingBytes: number, session: HeldSession) {
    this.#socketPending = socketPending;
    this.#session = session;
    this.#maxPendingBytes = maxPendingBytes;
  }

  /** Bytes held for the peer now, each counted once. */
  get held(): number {
    const { heldBytes, inFlightBytes } = this.#session;
    const socket = this.#socketPending();
    return heldBytes + (socket > inFlightBytes ? socket - inFlightBytes : 0);
  }

  /**
   * Whether `bytes` more may be held for the peer: 0 if so, else the bytes already held
   * (the frame would take them past the bound). One frame bigger than the bound still
   * goes to a peer for which nothing is held; a control frame may pass the bound by
   * {@link CONTROL_ALLOWANCE_BYTES}. `batch`, if given, names the frame writer's batch
   * being gathered (it changes when one is handed to the socket): the room found is
   * credited to it ({@link Outbox.credited}).
   */
  refusal(bytes: number, control = false, batch?: number): number {
    const held = this.held;
    const limit = control ? this.#maxPendingBytes + CONTROL_ALLOWANCE_BYTES : this.#maxPendingBytes;
    if (held > 0 && held + bytes > limit) {
      this.#creditBatch = -1;
      return held;
    }
    if (batch !== undefined) {
      this.#credit = Math.max(0, this.#maxPendingBytes - held - bytes);
      this.#creditBatch = batch;
    }
    return 0;
  }

  /** True, and counted, when `bytes` more fit in the room the last check of `batch` found: no need to check the bound. */
  credited(bytes: number, batch: number): boolean {
    if (batch !== this.#creditBatch || bytes > this.#credit) return false;
    this.#credit -= bytes;
    return true;
  }

  /** The error a refused write evicts the peer with. */
  slowConsumer(peer: string, held: number): BadConnError {
    const { heldBytes } = this.#session;
    const session = heldBytes > 0 ? ` (${heldBytes} of them session messages not yet acknowledged)` : '';
    return new BadConnError(
      `${peer} is not reading: ${held} bytes are held for it${session}, and more would pass maxPendingBytes (${this.#maxPendingBytes}); evicted as a slow consumer. Raise maxPendingBytes if the peer is only slow, or send it less`,
    );
  }
}
