import type { ByteWriter } from '../codec/binary/byte-writer';
import { FrameStore } from './frame-store';
import { FRAME_HEADER_BYTES } from '../framing/constants';
import type { RunWriter } from '../framing/frame-writer';
import { WaitGroup } from './wait-group';
import { copyBytes, utf8Bytes } from '../platform/bytes';

/**
 * The most bytes handed to the link in one run, and the most that wait for the link to
 * pull them before it is asked to at once (its frame writer hands batches of this size
 * to the socket).
 */
const MAX_RUN_BYTES = 256 * 1024;
/** The most bytes of messages whose sends share one promise while they wait. */
const MAX_GROUP_BYTES = 64 * 1024;

/**
 * A session's outgoing messages, kept until the peer acknowledges them: whole NextMessage
 * frames (`[u32 length][u8 kind = NextMessage][payload]`) in a {@link FrameStore}, where a
 * message is encoded once and from where the link is handed runs of frames. Seqs are
 * consecutive, so a message's seq is its index plus a constant; the first message a link
 * pulls goes as a Message with its seq (made apart), and every one does to a peer that
 * reads no NextMessage frames (docs/protocol.md, "Sessions").
 *
 * ```
 * [head ........ handed ........ cursor ........ tail)
 *  handed to this link,  taken for it,   not written to this link yet: held while
 *  not yet acknowledged  to be pulled    detached, waiting for room, or to resend
 * ```
 *
 * A message that is written is taken (counted in flight) at once, and handed to the link
 * when the link pulls what waits ({@link OutgoingLog.pull}): the link's frame writer
 * pulls before it writes any other frame, so the order on the wire is the order of
 * taking, and a tick's messages go to it as a few runs, not one call each.
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
  /** Messages before this index were handed to the current link; those from it to the cursor wait for it to pull them. */
  #handed = 0;
  /** Bytes of the messages from `#handed` to the cursor. */
  #waitingBytes = 0;
  /** Messages before this index were written to some link at least once: writing them again is a resend. */
  #writtenEnd = 0;
  /** The next message the link pulls is the first on it: it goes as a Message with its seq. */
  #numberNext = true;
  /** The link's peer reads no NextMessage frames: every message goes with its seq (set by {@link OutgoingLog.rewind} for each link). */
  #numberAll = false;
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

  /** Bytes of the frame of a payload of `payloadBytes`, as kept (as a Message with its seq, 8 bytes more). */
  static frameBytes(payloadBytes: number): number {
    return FRAME_HEADER_BYTES + payloadBytes;
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
    this.#heldBytes += this.#frames.commit();
  }

  /** Appends a message frame numbered {@link OutgoingLog.nextSeq} around a payload already encoded (a string as UTF-8). */
  append(payload: string | Uint8Array): void {
    this.#heldBytes += this.#frames.append(payload);
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

  /**
   * Counts the message at the cursor (of `bytes`, the last appended) as written to the
   * current link: it waits for the link to pull it. True once what waits passes
   * {@link MAX_RUN_BYTES}: the link should pull now.
   */
  take(bytes: number): boolean {
    this.#advance(this.#cursor + 1, bytes);
    this.#waitingBytes += bytes;
    return this.pullDue;
  }

  /** Bytes of the messages taken for the current link and not yet pulled by it. */
  get waitingBytes(): number {
    return this.#waitingBytes;
  }

  /** True once what waits for the link to pull it passes {@link MAX_RUN_BYTES}: it should pull now. */
  get pullDue(): boolean {
    return this.#waitingBytes >= MAX_RUN_BYTES;
  }

  /** Hands `write` the messages taken for the current link since the last pull, in runs of frames next to each other in a slab. */
  pull(write: RunWriter): void {
    let from = this.#handed;
    const to = this.#cursor;
    this.#handed = to;
    this.#waitingBytes = 0;
    if (from < to && this.#numberNext) from = this.#writeNumbered(from, this.#numberAll ? to : from + 1, write);
    if (from < to) this.#frames.writeRuns(from, to, write, MAX_RUN_BYTES);
  }

  /** Writes the messages from `from` to `to` as Messages with their seqs (copies); returns `to`. */
  #writeNumbered(from: number, to: number, write: RunWriter): number {
    for (let i = from; i < to; i++) {
      const frame = this.#frames.numberedFrame(i, i + this.#seqDelta);
      write(frame, 0, frame.length);
    }
    this.#numberNext = this.#numberAll;
    return to;
  }

  /** The link is gone before it pulled what was taken for it: a new link writes it again (from the head). */
  forgetTaken(): void {
    this.#handed = this.#cursor;
    this.#waitingBytes = 0;
  }

  /**
   * Takes, in order, what waits for the current link and fits in the window (the link
   * pulls it, as {@link OutgoingLog.take}). A group of waiting sends goes whole or waits;
   * those taken are added to `settled`. Returns how many messages were resends (written
   * to a link before).
   */
  pump(settled: WaitGroup[]): number {
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
      // Counted in flight once taken: the link's outbox allows for the session's bytes in flight.
      const bytes = this.#sumBytes(from, end);
      this.#advance(end, bytes);
      this.#waitingBytes += bytes;
    }
    return resent;
  }

  /**
   * A new link: nothing is written to it yet, so everything unacknowledged is to be written
   * again, the first message with its seq (and every one, unless its peer reads NextMessage
   * frames: `next`).
   */
  rewind(next: boolean): void {
    this.#numberNext = true;
    this.#numberAll = !next;
    this.#cursor = this.#frames.head;
    this.#handed = this.#cursor;
    this.#waitingBytes = 0;
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
    if (this.#handed < to) {
      // Acknowledged before the link pulled it (a peer that claims what it cannot have seen): nothing to hand it.
      this.#handed = to;
      this.#waitingBytes = this.#sumBytes(to, this.#cursor);
    }
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

  /** Numbers what is unacknowledged from 1 (a new session on the peer's side); returns the next seq. */
  renumber(): number {
    this.#seqDelta = 1 - this.#frames.head;
    this.#highestWritten = 0;
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
    this.#handed = tail;
    this.#waitingBytes = 0;
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
