import { afterTick } from '../platform/ticks';

/** Messages received before an Ack is sent (at the end of the tick). */
export const ACK_EVERY = 64;
/**
 * Bytes of messages received before an Ack is sent (at the end of the tick): big
 * messages are acknowledged as they come, not 64 at a time, so a sender whose window or
 * `maxPendingBytes` is a few of them is not held up (or its peer evicted) by the Ack's delay.
 */
export const ACK_EVERY_BYTES = 64 * 1024;
/** Milliseconds an Ack may wait for more messages to acknowledge with it. */
export const ACK_DELAY = 20;

/**
 * When a session acknowledges what it received: at the end of the tick in which
 * {@link ACK_EVERY} messages (or {@link ACK_EVERY_BYTES}) came, or {@link ACK_DELAY} ms
 * after the first one not yet acknowledged. At the end of the tick, so the messages of
 * one received chunk (hundreds, when small) get one Ack, not one per 64 (Acks every 64
 * cost sender and receiver ~0.1 µs per message each, measured against every 1,024). An
 * Ack sent for the count leaves the timer running (it acknowledges what came since, or
 * nothing): a stream of messages then costs one timer per delay, not one per Ack
 * (setting and clearing it was 2.5% of a receiver's time).
 */
export class AckSchedule {
  readonly #send: () => void;
  #count = 0;
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** An Ack is due at the end of this tick. */
  #queued = false;
  readonly #due = (): void => {
    this.#timer = undefined;
    this.#send();
  };
  readonly #now = (): void => {
    this.#queued = false;
    this.#send();
  };

  /** `send` writes an Ack for what arrived (it may decline, and call {@link AckSchedule.sent} when it does write). */
  constructor(send: () => void) {
    this.#send = send;
  }

  /** True when something arrived that no Ack has covered yet. */
  get pending(): boolean {
    return this.#count !== 0;
  }

  /** A message of `bytes` arrived: an Ack is due at the end of the tick, or after the delay. */
  received(bytes: number): void {
    this.#count += 1;
    this.#bytes += bytes;
    if (this.#count < ACK_EVERY && this.#bytes < ACK_EVERY_BYTES) this.#timer ??= setTimeout(this.#due, ACK_DELAY);
    else if (!this.#queued) {
      this.#queued = true;
      afterTick(this.#now);
    }
  }

  /** An Ack covering everything received went out. */
  sent(): void {
    this.#count = 0;
    this.#bytes = 0;
  }

  /** Nothing is acknowledged until something new arrives (the link dropped, or the session starts over). */
  reset(): void {
    this.stop();
    this.sent();
  }

  /** Stops the delay's timer (an Ack is sent now, or the link is gone). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
