import { afterTick } from '../platform/ticks';

/** Messages received before an Ack is sent (at the end of the tick), to a peer that announced no send window. */
export const ACK_EVERY = 64;
/**
 * Bytes of messages received before an Ack is sent (at the end of the tick), to a peer
 * that announced no send window: big messages are acknowledged as they come, not 64 at a
 * time, so a sender whose window or `maxPendingBytes` is a few of them is not held up (or
 * its peer evicted) by the Ack's delay.
 */
export const ACK_EVERY_BYTES = 64 * 1024;
/** Milliseconds an Ack may wait for more messages to acknowledge with it. */
export const ACK_DELAY = 20;
/**
 * A peer that announces its send window (the hello's `session.window`) is acknowledged
 * once this fraction of it has arrived: a quarter, so three quarters of the window are
 * still free for it to write into while the Ack is on its way, and it never waits for one.
 */
export const ACK_WINDOW_SHARE = 4;

/**
 * Bytes of frames received after which an Ack goes: a quarter of the peer's announced send
 * window (at least 1: a window smaller than a message gets an Ack per tick), or
 * {@link ACK_EVERY_BYTES} when it announced none (an older OON or a hand-written peer).
 */
export function ackEveryBytes(peerWindow: number | undefined): number {
  return peerWindow === undefined ? ACK_EVERY_BYTES : Math.max(1, Math.floor(peerWindow / ACK_WINDOW_SHARE));
}

/**
 * When a session acknowledges what it received: at the end of the tick in which a quarter
 * of the peer's send window arrived ({@link ackEveryBytes}; to a peer that announced none,
 * {@link ACK_EVERY} messages or {@link ACK_EVERY_BYTES}), or {@link ACK_DELAY} ms after the
 * first one not yet acknowledged. At the end of the tick, so the messages of one received
 * chunk get one Ack, not one per threshold passed. By the window, not per 64 KiB: an Ack
 * is a socket write at the receiver (on loopback the kernel's delivery work runs in it)
 * and a read at the sender, and one per 64 KiB chunk was 10-18% of a receiver's profile
 * streaming small messages. An Ack sent for the count leaves the timer running (it
 * acknowledges what came since, or nothing): a stream of messages then costs one timer
 * per delay, not one per Ack (setting and clearing it was 2.5% of a receiver's time).
 *
 * A message only adds to a tally; the thresholds and the timer are looked at once per tick,
 * when the tally is folded in: judged per message, they were 3-4% of a receiver's time
 * streaming small messages with a session.
 */
export class AckSchedule {
  readonly #send: () => void;
  /** What arrived in earlier ticks and no Ack has covered. */
  #count = 0;
  #bytes = 0;
  /** What arrived in this tick: folded into the above at its end. */
  #tallyCount = 0;
  #tallyBytes = 0;
  #everyCount = ACK_EVERY;
  #everyBytes = ACK_EVERY_BYTES;
  #timer: ReturnType<typeof setTimeout> | undefined;
  // The timer's and the tick's callbacks are made with the first message received: an
  // idle session (most of a server's) holds neither.
  #due: (() => void) | undefined;
  #fold: (() => void) | undefined;

  /** `send` writes an Ack for what arrived (it may decline, and call {@link AckSchedule.sent} when it does write). */
  constructor(send: () => void) {
    this.#send = send;
  }

  /** True when something arrived that no Ack has covered yet. */
  get pending(): boolean {
    return this.#count !== 0 || this.#tallyCount !== 0;
  }

  /** Bytes of frames after which an Ack goes at the end of the tick (see {@link ackEveryBytes}). */
  get everyBytes(): number {
    return this.#everyBytes;
  }

  /**
   * The peer's send window, as its hello announced it (`undefined`: it announced none):
   * acknowledge by a quarter of it, in bytes only, or by the fixed counts.
   */
  forPeerWindow(peerWindow: number | undefined): void {
    this.#everyCount = peerWindow === undefined ? ACK_EVERY : Infinity;
    this.#everyBytes = ackEveryBytes(peerWindow);
  }

  /** A message frame of `bytes` arrived: an Ack is due at the end of the tick, or after the delay. */
  received(bytes: number): void {
    // Run for every message: kept to few bytecodes, so V8 inlines it where frames are read.
    this.#tallyBytes += bytes;
    if (this.#tallyCount++ === 0) this.#foldAtEndOfTick();
  }

  #foldAtEndOfTick(): void {
    afterTick((this.#fold ??= () => this.#foldTally()));
  }

  /** The end of a tick in which messages arrived: an Ack now if they passed a threshold, else within the delay. */
  #foldTally(): void {
    // An Ack sent in the tick covered them already.
    if (this.#tallyCount === 0) return;
    this.#addTally();
    if (this.#count >= this.#everyCount || this.#bytes >= this.#everyBytes) this.#send();
    else {
      this.#timer ??= setTimeout(
        (this.#due ??= () => {
          this.#timer = undefined;
          this.#send();
        }),
        ACK_DELAY,
      );
    }
  }

  /** An Ack covering everything received went out. */
  sent(): void {
    this.#count = 0;
    this.#bytes = 0;
    this.#tallyCount = 0;
    this.#tallyBytes = 0;
  }

  /** Nothing is acknowledged until something new arrives (the link dropped, or the session starts over). */
  reset(): void {
    this.stop();
    this.sent();
  }

  /** Stops the delay's timer (an Ack is sent now, or the link is gone), and the end-of-tick look at this tick's messages: they stay pending. */
  stop(): void {
    this.#addTally();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** This tick's messages join what waits for an Ack. */
  #addTally(): void {
    this.#count += this.#tallyCount;
    this.#bytes += this.#tallyBytes;
    this.#tallyCount = 0;
    this.#tallyBytes = 0;
  }
}
