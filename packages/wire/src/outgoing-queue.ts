import type { Codec } from './codec';

/** The promise of a `send()` whose message waits for room in the window. */
export interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/** A message a session numbered and keeps until the peer acknowledges it. */
export interface Outgoing {
  seq: number;
  frame: Buffer;
  codec: Codec;
  /** Written to some link at least once: writing it again counts as a resend. */
  written: boolean;
  /** Set while the sender awaits the write: its message did not fit in the window when sent. */
  waiter: Waiter | undefined;
}

/**
 * A session's outgoing messages, oldest first, in three runs:
 *
 * ```
 * [head ............ cursor ............ end)
 *  written to this link,  not written to this link yet:
 *  not yet acknowledged   held while detached, waiting for room, or to resend
 * ```
 *
 * The window is what the peer has been sent on the current link and not acknowledged
 * (`flightBytes`); a message is written only while the window has room for it, so the
 * peer's acks pace the sender (one message bigger than the window goes when the window is
 * empty). Everything is kept until acknowledged, so a new link rewinds the cursor to the
 * head and writes it all again, paced the same way.
 */
export class OutgoingQueue {
  readonly #window: number;
  #entries: Outgoing[] = [];
  #head = 0;
  #cursor = 0;
  #heldBytes = 0;
  #flightBytes = 0;
  /** The highest seq written to any link: the peer cannot acknowledge past it. */
  #highestWritten = 0;

  /** `window`: bytes that may be written and unacknowledged at once (`maxBufferedBytes`). */
  constructor(window: number) {
    this.#window = window;
  }

  /** Messages not yet acknowledged, written or not. */
  get length(): number {
    return this.#entries.length - this.#head;
  }

  /** Bytes of every message not yet acknowledged, written or not. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** Bytes written to the current link and not yet acknowledged. */
  get flightBytes(): number {
    return this.#flightBytes;
  }

  /** The highest seq written to any link. */
  get highestWritten(): number {
    return this.#highestWritten;
  }

  /** True when nothing waits to be written to the current link: a new message may go at once, if it fits. */
  get caughtUp(): boolean {
    return this.#cursor === this.#entries.length;
  }

  /** Whether `bytes` more fit in the window now. */
  fits(bytes: number): boolean {
    return this.#flightBytes === 0 || this.#flightBytes + bytes <= this.#window;
  }

  /** Adds a message at the end (not yet written). */
  push(entry: Outgoing): void {
    this.#entries.push(entry);
    this.#heldBytes += entry.frame.length;
  }

  /** The first message not yet written to the current link. */
  peek(): Outgoing | undefined {
    return this.#entries[this.#cursor];
  }

  /** Counts the message at the cursor as written to the current link, and returns it. */
  take(): Outgoing {
    const entry = this.#entries[this.#cursor++] as Outgoing;
    this.#flightBytes += entry.frame.length;
    if (entry.seq > this.#highestWritten) this.#highestWritten = entry.seq;
    return entry;
  }

  /** A message's frame changed (re-encoded for another codec): keeps the byte counts right. */
  replaceFrame(entry: Outgoing, frame: Buffer): void {
    this.#heldBytes += frame.length - entry.frame.length;
    entry.frame = frame;
  }

  /** A new link: nothing is written to it yet, so everything unacknowledged is to be written again. */
  rewind(): void {
    this.#cursor = this.#head;
    this.#flightBytes = 0;
  }

  /** Forgets every message up to `seq`, the peer has it; returns how many. */
  acknowledge(seq: number): number {
    const start = this.#head;
    while (this.#head < this.#entries.length && (this.#entries[this.#head] as Outgoing).seq <= seq) {
      const bytes = (this.#entries[this.#head] as Outgoing).frame.length;
      this.#heldBytes -= bytes;
      if (this.#head < this.#cursor) this.#flightBytes -= bytes;
      else this.#cursor += 1;
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) this.#compact();
    return this.#head - start;
  }

  /**
   * Numbers what is unacknowledged from 1 (a new session on the peer's side), `stamp`
   * putting each new seq in its frame; returns the next seq.
   */
  renumber(stamp: (entry: Outgoing) => void): number {
    this.#compact();
    this.#highestWritten = 0;
    let seq = 1;
    for (const entry of this.#entries) {
      entry.seq = seq++;
      stamp(entry);
    }
    return seq;
  }

  /** Empties the queue; returns the messages still unacknowledged. */
  clear(): Outgoing[] {
    const left = this.#entries.slice(this.#head);
    this.#entries = [];
    this.#head = 0;
    this.#cursor = 0;
    this.#heldBytes = 0;
    this.#flightBytes = 0;
    return left;
  }

  #compact(): void {
    this.#entries = this.#entries.slice(this.#head);
    this.#cursor -= this.#head;
    this.#head = 0;
  }
}
