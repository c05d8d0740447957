import { FRAME_HEADER_BYTES, FRAME_LENGTH_BYTES, FrameKind } from '../framing/constants';
import { SEQ_BYTES, writeSeq } from './seq';
import { WaitGroup } from './wait-group';
import { allocSlab, copyBytes, utf8Bytes, utf8Write } from '../platform/bytes';

/** Bytes of a session's message frame before its payload: length, kind, seq. */
const PREFIX_BYTES = FRAME_HEADER_BYTES + SEQ_BYTES;
/** The first slab of a log; each next one doubles, up to {@link MAX_SLAB_BYTES}. */
const FIRST_SLAB_BYTES = 4 * 1024;
/** The largest slab. */
const MAX_SLAB_BYTES = 1024 * 1024;
/** A log that empties keeps a slab up to this size for its next messages, and drops a bigger one. */
const KEPT_SLAB_BYTES = 16 * 1024;
/** A frame bigger than this gets a slab of its own size, so it does not leave most of a slab unused. */
const OWN_BUFFER_BYTES = MAX_SLAB_BYTES / 4;
/** The most bytes handed to the link in one write (the frame writer hands batches of this size to the socket). */
const MAX_RUN_BYTES = 256 * 1024;
/** The most bytes of messages whose sends share one promise while they wait. */
const MAX_GROUP_BYTES = 64 * 1024;
/** Entries the index arrays hold at first, and after the log empties. */
const FIRST_CAPACITY = 64;

/** What {@link OutgoingLog.pump} hands to the link: one or more whole frames, next to each other. */
export type FramesWriter = (frames: Uint8Array) => void;

/**
 * A session's outgoing messages, kept until the peer acknowledges them: an append-only
 * log of whole frames (`[u32 length][u8 kind = Message][u64 seq][payload]`) in large
 * slabs, with each message's slab, offset and length in flat arrays. Seqs are
 * consecutive, so a message's seq is its index plus a constant. Nothing kept per message
 * is an object: in a burst, a slab holds thousands of frames, and the log lets go of the
 * whole slab once acks pass all of them (a view of a frame, made to write it, is gone
 * with the tick).
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
 * slab go to the link in one write.
 *
 * A frame handed to the link must be copied by it before the call returns: a slab is
 * reused once the log empties, and a seq is rewritten in place when the log is renumbered.
 */
export class OutgoingLog {
  readonly #window: number;
  readonly #groupBytes: number;
  /**
   * Per message, by slot (absolute index − `#base`): the id of the slab holding its frame,
   * where, and how long. Ids, not references: a store of a reference in a big array cost
   * ~50 ns per message (a third of appending), an Int32Array store a few.
   */
  #slabIds = new Int32Array(FIRST_CAPACITY);
  #offsets = new Int32Array(FIRST_CAPACITY);
  #lengths = new Int32Array(FIRST_CAPACITY);
  /** The absolute index of slot 0. Indexes count every message ever appended, so they never repeat. */
  #base = 0;
  #head = 0;
  #cursor = 0;
  #tail = 0;
  /** Messages before this index were written to some link at least once: writing them again is a resend. */
  #writtenEnd = 0;
  /** A message's seq is its index plus this (changed by {@link OutgoingLog.renumber}). */
  #seqDelta = 1;
  /**
   * The slabs that hold unacknowledged frames, in the order of the messages, the one being
   * filled last; `#slabs[k]` has id `#firstSlab + k`. A frame over {@link OWN_BUFFER_BYTES}
   * gets a slab of its own size, which is then full.
   */
  #slabs: Uint8Array[] = [];
  #firstSlab = 0;
  #slab: Uint8Array | undefined;
  /** The current slab as a DataView: its setters write a frame's header several times faster than Buffer's. */
  #slabView: DataView | undefined;
  #slabUsed = 0;
  #nextSlabBytes = FIRST_SLAB_BYTES;
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
    return this.#tail - this.#head;
  }

  /** Bytes of every message not yet acknowledged, written or not. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /**
   * Bytes of the buffers the log keeps in memory: the slabs (and own buffers) that hold
   * unacknowledged frames, and the slab being filled (for tests and diagnostics).
   */
  get retainedBytes(): number {
    return this.#slabs.reduce((bytes, slab) => bytes + slab.length, 0);
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
    return this.#tail + this.#seqDelta;
  }

  /** True when nothing waits to be written to the current link: a new message may go at once, if it fits. */
  get caughtUp(): boolean {
    return this.#cursor === this.#tail;
  }

  /** Whether `bytes` more fit in the window now. */
  fits(bytes: number): boolean {
    return this.#flightBytes === 0 || this.#flightBytes + bytes <= this.#window;
  }

  /** Bytes of the frame of a payload of `payloadBytes`. */
  static frameBytes(payloadBytes: number): number {
    return PREFIX_BYTES + payloadBytes;
  }

  /** Appends a message frame numbered {@link OutgoingLog.nextSeq} around `payload` (`payloadBytes` long; a string as UTF-8). */
  append(payload: string | Uint8Array, payloadBytes: number): void {
    if (this.#tail - this.#base === this.#lengths.length) this.#makeRoom();
    this.#put(this.#tail - this.#base, this.#tail + this.#seqDelta, payload, payloadBytes);
    this.#tail += 1;
  }

  /** The last message appended waits for room in the window: the promise of its send, shared with its group. */
  wait(): Promise<void> {
    const index = this.#tail - 1;
    const bytes = this.#lengths[index - this.#base] as number;
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

  /** Counts the message at the cursor as written to the current link, and returns its frame. */
  take(): Uint8Array {
    const slot = this.#cursor - this.#base;
    const at = this.#offsets[slot] as number;
    const bytes = this.#lengths[slot] as number;
    this.#advance(this.#cursor + 1, bytes);
    return this.#slabAt(slot).subarray(at, at + bytes);
  }

  /**
   * Writes, in order, what waits for the current link and fits in the window: runs of
   * frames next to each other in a slab in one `write`. A group of waiting sends goes
   * whole or waits; those written are added to `settled`. Returns how many messages were
   * resends (written to a link before).
   */
  pump(write: FramesWriter, settled: WaitGroup[]): number {
    let resent = 0;
    while (this.#cursor < this.#tail) {
      const group = this.#groups[this.#groupHead];
      let end: number;
      if (group !== undefined && group.start <= this.#cursor) {
        if (!this.fits(group.bytes)) break;
        end = group.end;
        settled.push(group);
        this.#shiftGroup();
      } else {
        end = this.#fitting(group === undefined ? this.#tail : group.start);
        if (end === this.#cursor) break;
      }
      resent += this.#writeRange(end, write);
    }
    return resent;
  }

  /** A new link: nothing is written to it yet, so everything unacknowledged is to be written again. */
  rewind(): void {
    this.#cursor = this.#head;
    this.#flightBytes = 0;
  }

  /** Forgets every message up to `seq`, the peer has it; returns how many. Never reaches a waiting group: acks stop at the highest seq written. */
  acknowledge(seq: number): number {
    const to = Math.min(this.#tail, seq - this.#seqDelta + 1);
    const from = this.#head;
    if (to <= from) return 0;
    const base = this.#base;
    let freed = 0;
    let inFlight = 0;
    for (let i = from; i < to; i++) {
      const bytes = this.#lengths[i - base] as number;
      freed += bytes;
      if (i < this.#cursor) inFlight += bytes;
    }
    this.#heldBytes -= freed;
    this.#flightBytes -= inFlight;
    this.#head = to;
    if (this.#cursor < to) this.#cursor = to;
    if (this.#writtenEnd < to) this.#writtenEnd = to;
    if (to === this.#tail) this.#emptied();
    else this.#dropSlabsBefore(this.#slabIds[to - base] as number);
    return to - from;
  }

  /**
   * An empty log continuing a session another process numbered (issue 14's resume on
   * another node): the next message gets `seq`, and the peer may acknowledge up to `seq - 1`.
   */
  startAt(seq: number): void {
    if (this.#tail !== this.#head) throw new RangeError('startAt() needs an empty log');
    this.#seqDelta = seq - this.#tail;
    this.#highestWritten = seq - 1;
  }

  /** Numbers what is unacknowledged from 1 (a new session on the peer's side), rewriting each frame's seq; returns the next seq. */
  renumber(): number {
    this.#seqDelta = 1 - this.#head;
    this.#highestWritten = 0;
    const base = this.#base;
    for (let i = this.#head; i < this.#tail; i++) {
      writeSeq(this.#slabAt(i - base), (this.#offsets[i - base] as number) + FRAME_HEADER_BYTES, i + this.#seqDelta);
    }
    return this.nextSeq;
  }

  /**
   * Encodes every message again (for a link that agreed on another codec): `transform`
   * turns an old payload into a new one. All or nothing: if it throws for one message,
   * the log is as it was, and the error goes to the caller.
   */
  reencode(transform: (payload: Uint8Array) => string | Uint8Array): void {
    const payloads: Uint8Array[] = [];
    const base = this.#base;
    for (let i = this.#head; i < this.#tail; i++) {
      const at = this.#offsets[i - base] as number;
      const frame = this.#slabAt(i - base).subarray(at + PREFIX_BYTES, at + (this.#lengths[i - base] as number));
      // Copied at once: a codec may reuse the buffer it encodes into.
      payloads.push(asBytes(transform(frame)));
    }
    const head = this.#head;
    this.#reset(Math.max(FIRST_CAPACITY, payloads.length));
    this.#base = head;
    payloads.forEach((payload, slot) => this.#put(slot, head + slot + this.#seqDelta, payload, payload.length));
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
    this.#head = this.#tail;
    this.#cursor = this.#tail;
    this.#writtenEnd = this.#tail;
    this.#groups = [];
    this.#groupHead = 0;
    this.#reset(FIRST_CAPACITY);
    return { lost, waiting };
  }

  /** Writes a frame into `slot`: into the current slab (a new one if it is full), or a slab of its own if big. */
  #put(slot: number, seq: number, payload: string | Uint8Array, payloadBytes: number): void {
    const bytes = PREFIX_BYTES + payloadBytes;
    let slab: Uint8Array;
    let at = 0;
    if (bytes > OWN_BUFFER_BYTES) {
      slab = this.#newSlab(bytes);
      this.#slabUsed = bytes;
    } else {
      slab = this.#slabFor(bytes);
      at = this.#slabUsed;
      this.#slabUsed = at + bytes;
    }
    writeHeader(this.#slabView as DataView, at, bytes, seq);
    if (typeof payload === 'string') utf8Write(slab, payload, at + PREFIX_BYTES);
    else slab.set(payload, at + PREFIX_BYTES);
    this.#slabIds[slot] = this.#firstSlab + this.#slabs.length - 1;
    this.#offsets[slot] = at;
    this.#lengths[slot] = bytes;
    this.#heldBytes += bytes;
  }

  /** The current slab if it has room for `bytes`, else a new one, twice the last (up to {@link MAX_SLAB_BYTES}). */
  #slabFor(bytes: number): Uint8Array {
    const slab = this.#slab;
    if (slab !== undefined && this.#slabUsed + bytes <= slab.length) return slab;
    const size = Math.max(bytes, this.#nextSlabBytes);
    this.#nextSlabBytes = Math.min(MAX_SLAB_BYTES, size * 2);
    this.#slabUsed = 0;
    return this.#newSlab(size);
  }

  /** Starts a new slab of `size` bytes, the one frames now go into. */
  #newSlab(size: number): Uint8Array {
    const slab = allocSlab(size);
    this.#slabView = new DataView(slab.buffer, slab.byteOffset, size);
    this.#slabs.push(slab);
    return (this.#slab = slab);
  }

  #slabAt(slot: number): Uint8Array {
    return this.#slabs[(this.#slabIds[slot] as number) - this.#firstSlab] as Uint8Array;
  }

  /** Lets go of the slabs before slab `id`: acks passed all their frames. */
  #dropSlabsBefore(id: number): void {
    if (id <= this.#firstSlab) return;
    this.#slabs.splice(0, id - this.#firstSlab);
    this.#firstSlab = id;
  }

  /** The end of the messages from the cursor, up to `limit`, that fit in the window. */
  #fitting(limit: number): number {
    let end = this.#cursor;
    let bytes = this.#flightBytes;
    while (end < limit) {
      const next = this.#lengths[end - this.#base] as number;
      if (bytes !== 0 && bytes + next > this.#window) break;
      bytes += next;
      end += 1;
    }
    return end;
  }

  /** Writes the messages from the cursor to `end`, a run of neighbours per write; returns how many were resends. */
  #writeRange(end: number, write: FramesWriter): number {
    const base = this.#base;
    const resent = Math.max(0, Math.min(end, this.#writtenEnd) - this.#cursor);
    for (let i = this.#cursor; i < end; ) {
      const slab = this.#slabIds[i - base] as number;
      const start = this.#offsets[i - base] as number;
      let stop = start + (this.#lengths[i - base] as number);
      for (i += 1; i < end && this.#slabIds[i - base] === slab && this.#offsets[i - base] === stop && stop - start < MAX_RUN_BYTES; i++) {
        stop += this.#lengths[i - base] as number;
      }
      // Counted in flight before the write: the link's outbox allows for the session's bytes in flight.
      this.#advance(i, stop - start);
      write((this.#slabs[slab - this.#firstSlab] as Uint8Array).subarray(start, stop));
    }
    return resent;
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
    for (let i = from; i < to; i++) bytes += this.#lengths[i - this.#base] as number;
    return bytes;
  }

  /** The index arrays are full: moves the live entries to the front, or into arrays twice as big. */
  #makeRoom(): void {
    const live = this.#tail - this.#head;
    const from = this.#head - this.#base;
    const capacity = this.#lengths.length;
    if (live * 2 <= capacity) {
      this.#slabIds.copyWithin(0, from, from + live);
      this.#offsets.copyWithin(0, from, from + live);
      this.#lengths.copyWithin(0, from, from + live);
    } else {
      this.#slabIds = grown(this.#slabIds, from, live);
      this.#offsets = grown(this.#offsets, from, live);
      this.#lengths = grown(this.#lengths, from, live);
    }
    this.#base = this.#head;
  }

  /** Every message is acknowledged: start the arrays over, and keep a small slab for the next messages. */
  #emptied(): void {
    const slab = this.#slab;
    if (this.#lengths.length > 16 * FIRST_CAPACITY) this.#reset(FIRST_CAPACITY);
    this.#base = this.#tail;
    if (slab !== undefined && slab.length <= KEPT_SLAB_BYTES) {
      this.#slabs = [slab];
      this.#firstSlab = 0;
      this.#slab = slab;
      this.#slabView = new DataView(slab.buffer, slab.byteOffset, slab.length);
      this.#slabUsed = 0;
    } else {
      this.#slabs = [];
      this.#slab = undefined;
      this.#slabView = undefined;
      this.#nextSlabBytes = KEPT_SLAB_BYTES;
    }
  }

  /** New, empty storage with room for `capacity` messages (the indexes and seqs are kept). */
  #reset(capacity: number): void {
    this.#slabIds = new Int32Array(capacity);
    this.#slabs = [];
    this.#firstSlab = 0;
    this.#offsets = new Int32Array(capacity);
    this.#lengths = new Int32Array(capacity);
    this.#base = this.#tail;
    this.#heldBytes = 0;
    this.#flightBytes = 0;
    this.#slab = undefined;
    this.#slabView = undefined;
    this.#slabUsed = 0;
    this.#nextSlabBytes = FIRST_SLAB_BYTES;
  }
}

/** Writes a message frame's header at `at`: length, kind, seq (u64 BE, below 2^53). */
function writeHeader(view: DataView, at: number, frameBytes: number, seq: number): void {
  view.setUint32(at, frameBytes - FRAME_LENGTH_BYTES);
  view.setUint8(at + FRAME_LENGTH_BYTES, FrameKind.Message);
  view.setUint32(at + FRAME_HEADER_BYTES, Math.floor(seq / 0x1_0000_0000));
  view.setUint32(at + FRAME_HEADER_BYTES + 4, seq >>> 0);
}

/** `live` entries of `array` from `from`, at the start of an array twice as long. */
function grown(array: Int32Array, from: number, live: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array.subarray(from, from + live));
  return bigger;
}

/** A payload as bytes of its own: text as UTF-8, bytes copied (the codec may reuse its buffer). */
function asBytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === 'string' ? utf8Bytes(payload) : copyBytes(payload);
}
