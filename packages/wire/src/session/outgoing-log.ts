import type { ByteWriter } from '../codec/binary/byte-writer';
import { FrameStore, PREFIX_BYTES, type RunWriter } from './frame-store';
import { WaitGroup } from './wait-group';
import { copyBytes, utf8Bytes } from '../platform/bytes';

/** The most bytes handed to the link in one run (the frame writer hands batches of this size to the socket). */
const MAX_RUN_BYTES = 256 * 1024;
/** The most bytes of messages whose sends share one promise while they wait. */
const MAX_GROUP_BYTES = 64 * 1024;

export type { RunWriter } from './frame-store';

/**
 * A session's outgoing messages, kept until the peer acknowledges them: whole frames
 * (`[u32 length][u8 kind = Message][u64 seq][payload]`) in a {@link FrameStore}, where a
 * message is encoded once and from where the link is handed runs of frames. Seqs are
 * consecutive, so a message's seq is its index plus a constant.
 *
 * ```
 * [head ............ cursor ............ tail)
 *  written to this link,  not written to this link yet:
 *  not yet acknowledged   held while detached, waiting for room, or to resend
 * ```
 *
 * The window is what the peer has been sent on the current link and not acknowledged
 * (`flightBytes`); a message is written only while the window has room for it, so the
 * peer's acks pace the sender (one message bigger than the window goes when the window is
 * empty). Everything is kept until acknowledged, so a new link rewinds the cursor to the
 * head and writes it all again, paced the same way. Messages next to each other in a
 * slab go to the link in one run.
 */
export class OutgoingLog {
  readonly #window: number;
  readonly #groupBytes: number;
  readonly #frames = new FrameStore();
  #cursor = 0;
  /** Messages before this index were written to some link at least once: writing them again is a resend. */
  #writtenEnd = 0;
  /** A message's seq is its index plus this (changed by {@link OutgoingLog.renumber}). */
  #seqDelta = 1;
  #heldBytes = 0;
  #flightBytes = 0;
  /** The highest seq written to any link: the peer cannot acknowledge past it. */
  #highestWritten = 0;
  /** Groups of waiting sends, oldest first, from `#groupHead` on; all after `#writtenEnd`. */
  #groups: Array<WaitGroup | undefined> = [];
  #groupHead = 0;

  /** `window`: bytes that may be written and unacknowledged at once (`maxBufferedBytes`). */
  constructor(window: number) {
    this.#window = window;
    // Small enough that a group waiting for room leaves little of the window unused.
    this.#groupBytes = Math.min(MAX_GROUP_BYTES, Math.floor(window / 16));
  }

  /** Messages not yet acknowledged, written or not. */
  get length(): number {
    return this.#frames.end - this.#frames.head;
  }

  /** Bytes of every message not yet acknowledged, written or not. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** Bytes of the slabs the log keeps in memory (for tests and diagnostics). */
  get retainedBytes(): number {
    return this.#frames.retainedBytes;
  }

  /** Bytes written to the current link and not yet acknowledged. */
  get flightBytes(): number {
    return this.#flightBytes;
  }

  /** The highest seq written to any link since the last renumbering. */
  get highestWritten(): number {
    return this.#highestWritten;
  }

  /** The seq the next appended message gets. */
  get nextSeq(): number {
    return this.#frames.end + this.#seqDelta;
  }

  /** True when nothing waits to be written to the current link: a new message may go at once, if it fits. */
  get caughtUp(): boolean {
    return this.#cursor === this.#frames.end;
  }

  /** Whether `bytes` more fit in the window now. */
  fits(bytes: number): boolean {
    return this.#flightBytes === 0 || this.#flightBytes + bytes <= this.#window;
  }

  /** Bytes of the frame of a payload of `payloadBytes`. */
  static frameBytes(payloadBytes: number): number {
    return PREFIX_BYTES + payloadBytes;
  }

  /** True while a message is being encoded into the log (a send made then must wait for it). */
  get frameOpen(): boolean {
    return this.#frames.frameOpen;
  }

  /** Bytes of the frame being encoded so far, its header included. */
  get openFrameBytes(): number {
    return this.#frames.openBytes;
  }

  /** Starts the next message's frame: the codec writes its payload into the writer returned; then {@link OutgoingLog.commit} or {@link OutgoingLog.abandon}. */
  beginFrame(): ByteWriter {
    return this.#frames.beginFrame();
  }

  /** Drops the frame being encoded. */
  abandon(): void {
    this.#frames.abandonFrame();
  }

  /** Keeps the frame being encoded as the next message, numbered {@link OutgoingLog.nextSeq}. */
  commit(): void {
    this.#heldBytes += this.#frames.commit(this.nextSeq);
  }

  /** Appends a message frame numbered {@link OutgoingLog.nextSeq} around a payload already encoded (a string as UTF-8). */
  append(payload: string | Uint8Array): void {
    this.#heldBytes += this.#frames.append(this.nextSeq, payload);
  }

  /** The last message appended waits for room in the window: the promise of its send, shared with its group. */
  wait(): Promise<void> {
    const index = this.#frames.end - 1;
    const bytes = this.#frames.bytesAt(index);
    const last = this.#groups.length > this.#groupHead ? this.#groups[this.#groups.length - 1] : undefined;
    if (last !== undefined && last.end === index && last.bytes + bytes <= this.#groupBytes) {
      last.end += 1;
      last.bytes += bytes;
      return last.promise;
    }
    const group = new WaitGroup(index, bytes);
    this.#groups.push(group);
    return group.promise;
  }

  /** Counts the message at the cursor as written to the current link, and hands its frame to `write`. */
  take(write: RunWriter): void {
    const index = this.#cursor;
    this.#advance(index + 1, this.#frames.bytesAt(index));
    this.#frames.writeRuns(index, index + 1, write, MAX_RUN_BYTES);
  }

  /**
   * Writes, in order, what waits for the current link and fits in the window: runs of
   * frames next to each other in a slab in one `write`. A group of waiting sends goes
   * whole or waits; those written are added to `settled`. Returns how many messages were
   * resends (written to a link before).
   */
  pump(write: RunWriter, settled: WaitGroup[]): number {
    let resent = 0;
    const tail = this.#frames.end;
    while (this.#cursor < tail) {
      const group = this.#groups[this.#groupHead];
      let end: number;
      if (group !== undefined && group.start <= this.#cursor) {
        if (!this.fits(group.bytes)) break;
        end = group.end;
        settled.push(group);
        this.#shiftGroup();
      } else {
        end = this.#fitting(group === undefined ? tail : group.start);
        if (end === this.#cursor) break;
      }
      const from = this.#cursor;
      resent += Math.max(0, Math.min(end, this.#writtenEnd) - from);
      // Counted in flight before the write: the link's outbox allows for the session's bytes in flight.
      this.#advance(end, this.#sumBytes(from, end));
      this.#frames.writeRuns(from, end, write, MAX_RUN_BYTES);
    }
    return resent;
  }

  /** A new link: nothing is written to it yet, so everything unacknowledged is to be written again. */
  rewind(): void {
    this.#cursor = this.#frames.head;
    this.#flightBytes = 0;
  }

  /** Forgets every message up to `seq`, the peer has it; returns how many. Never reaches a waiting group: acks stop at the highest seq written. */
  acknowledge(seq: number): number {
    const from = this.#frames.head;
    const to = Math.min(this.#frames.end, seq - this.#seqDelta + 1);
    if (to <= from) return 0;
    let freed = 0;
    let inFlight = 0;
    for (let i = from; i < to; i++) {
      const bytes = this.#frames.bytesAt(i);
      freed += bytes;
      if (i < this.#cursor) inFlight += bytes;
    }
    this.#heldBytes -= freed;
    this.#flightBytes -= inFlight;
    if (this.#cursor < to) this.#cursor = to;
    if (this.#writtenEnd < to) this.#writtenEnd = to;
    this.#frames.release(to);
    return to - from;
  }

  /**
   * An empty log continuing a session another process numbered (issue 14's resume on
   * another node): the next message gets `seq`, and the peer may acknowledge up to `seq - 1`.
   */
  startAt(seq: number): void {
    if (this.#frames.end !== this.#frames.head) throw new RangeError('startAt() needs an empty log');
    this.#seqDelta = seq - this.#frames.end;
    this.#highestWritten = seq - 1;
  }

  /** Numbers what is unacknowledged from 1 (a new session on the peer's side), rewriting each frame's seq; returns the next seq. */
  renumber(): number {
    this.#seqDelta = 1 - this.#frames.head;
    this.#highestWritten = 0;
    this.#frames.renumber(this.#seqDelta);
    return this.nextSeq;
  }

  /**
   * Encodes every message again (for a link that agreed on another codec): `transform`
   * turns an old payload (and its seq) into a new one. All or nothing: if it throws for
   * one message, the log is as it was, and the error goes to the caller.
   */
  reencode(transform: (payload: Uint8Array, seq: number) => string | Uint8Array): void {
    const frames = this.#frames;
    const head = frames.head;
    const payloads: Uint8Array[] = [];
    // Copied at once: a codec may reuse the buffer it encodes into.
    for (let i = head; i < frames.end; i++) payloads.push(asBytes(transform(frames.payloadAt(i), i + this.#seqDelta)));
    frames.reset(head);
    this.#heldBytes = 0;
    for (const payload of payloads) this.append(payload);
    this.#flightBytes = this.#sumBytes(head, this.#cursor);
    for (let g = this.#groupHead; g < this.#groups.length; g++) {
      const group = this.#groups[g] as WaitGroup;
      group.bytes = this.#sumBytes(group.start, group.end);
    }
  }

  /** Empties the log; returns how many messages were unacknowledged, and the groups still waiting. */
  clear(): { lost: number; waiting: WaitGroup[] } {
    const lost = this.length;
    const waiting = this.#groups.slice(this.#groupHead) as WaitGroup[];
    const tail = this.#frames.end;
    this.#cursor = tail;
    this.#writtenEnd = tail;
    this.#groups = [];
    this.#groupHead = 0;
    this.#heldBytes = 0;
    this.#flightBytes = 0;
    this.#frames.reset(tail);
    return { lost, waiting };
  }

  /** The end of the messages from the cursor, up to `limit`, that fit in the window. */
  #fitting(limit: number): number {
    let end = this.#cursor;
    let bytes = this.#flightBytes;
    while (end < limit) {
      const next = this.#frames.bytesAt(end);
      if (bytes !== 0 && bytes + next > this.#window) break;
      bytes += next;
      end += 1;
    }
    return end;
  }

  /** The messages from the cursor to `end` (`bytes` of them) are written to the current link. */
  #advance(end: number, bytes: number): void {
    this.#cursor = end;
    this.#flightBytes += bytes;
    if (this.#writtenEnd < end) this.#writtenEnd = end;
    const seq = end - 1 + this.#seqDelta;
    if (seq > this.#highestWritten) this.#highestWritten = seq;
  }

  #shiftGroup(): void {
    this.#groups[this.#groupHead++] = undefined;
    if (this.#groupHead === this.#groups.length) {
      this.#groups = [];
      this.#groupHead = 0;
    } else if (this.#groupHead > 1024 && this.#groupHead * 2 > this.#groups.length) {
      this.#groups = this.#groups.slice(this.#groupHead);
      this.#groupHead = 0;
    }
  }

  #sumBytes(from: number, to: number): number {
    let bytes = 0;
    for (let i = from; i < to; i++) bytes += this.#frames.bytesAt(i);
    return bytes;
  }
}

/** A payload as bytes of its own: text as UTF-8, bytes copied (the codec may reuse its buffer). */
function asBytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === 'string' ? utf8Bytes(payload) : copyBytes(payload);
}
