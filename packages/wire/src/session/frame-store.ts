import { ByteWriter } from '../codec/binary/byte-writer';
import { FRAME_HEADER_BYTES, FRAME_LENGTH_BYTES, FrameKind } from '../framing/constants';
import { seqBytes } from './seq';
import { encodeFrame } from '../framing/frame-encoder';
import { allocBytes } from '../platform/bytes';
import type { RunWriter } from '../framing/frame-writer';

/** The first slab of a store; each next one doubles, up to {@link MAX_SLAB_BYTES}. */
const FIRST_SLAB_BYTES = 4 * 1024;
/** The largest slab taken for small frames (a bigger frame grows one of its own). */
const MAX_SLAB_BYTES = 1024 * 1024;
/** A store that empties keeps a slab up to this size for its next frames, and drops a bigger one. */
const KEPT_SLAB_BYTES = 16 * 1024;
/** After a frame bigger than this the next frame starts a new slab, so the big one is let go with its own acks. */
const OWN_SLAB_BYTES = MAX_SLAB_BYTES / 4;
/** Entries the index arrays hold at first, and after the store empties. */
const FIRST_CAPACITY = 64;
/** What the writer holds when the next frame must start a new slab. */
const NO_SLAB = allocBytes(0);
/** The view of no slab. */
const NO_VIEW = new DataView(new ArrayBuffer(0));
/** The index arrays of a store that holds nothing yet: an idle session keeps none of its own (they come with the first frame). */
const NO_ENTRIES = new Int32Array(0);

/**
 * A session's message frames, in the order of their seqs, by absolute index (every frame
 * ever stored has its own), kept as NextMessage frames (`[u32 length][u8 kind =
 * NextMessage][payload]`, no seq: docs/protocol.md, "Sessions"), which is how most go to
 * the link; the one that must carry its seq is made apart ({@link FrameStore.numberedFrame}). A
 * message is encoded once, straight into the store behind its header
 * ({@link FrameStore.beginFrame}, the codec writes into the `ByteWriter` it returns,
 * {@link FrameStore.commit}), and the link is handed runs of frames where they lie:
 * the message is written once on its way to the socket.
 *
 * Frames live in large slabs, with each frame's slab, offset and length in flat arrays:
 * nothing kept per frame is an object, and a slab is let go once acks pass all its frames
 * (a 1 MiB one is reused then, see `#recycle`: the peer has every frame in it). Bytes of
 * frames not yet acknowledged are never written again (a slab's free space is used, never
 * its used part), so a socket may hold a run of them until it has sent it. Kept without
 * seqs, they need no rewriting when the session numbers them anew (a restart).
 */
export class FrameStore {
  /** Writes frames at the end of the current slab; its slab changes when one is full. Made with the first frame. */
  #writer: ByteWriter | undefined;
  #open = false;
  /**
   * Per frame, by slot (absolute index − `#base`): the id of the slab holding it, where,
   * and how long. Ids, not references: a store of a reference in a big array cost ~50 ns
   * per message (a third of appending), an Int32Array store a few.
   */
  #slabIds: Int32Array = NO_ENTRIES;
  #offsets: Int32Array = NO_ENTRIES;
  #lengths: Int32Array = NO_ENTRIES;
  /** The absolute index of slot 0. */
  #base = 0;
  /** The first frame kept, and one past the last. */
  #head = 0;
  #end = 0;
  /** The slabs that hold kept frames, in the order of the frames; `#slabs[k]` has id `#firstSlab + k`. */
  #slabs: Uint8Array[] = [];
  #firstSlab = 0;
  /** The last slab in `#slabs`: the one frames were last committed into. */
  #slab: Uint8Array | undefined;
  /**
   * `#slab` as a DataView: a frame's length is written a field at a time, not a byte at a
   * time. Not `ByteWriter.setU32BE` nor `writeU32BE` (byte by byte): with either, a
   * session's sender ran 75-100 instructions more per message (cachegrind, ~1,985 against ~1,900).
   */
  #view: DataView = NO_VIEW;
  #nextSlabBytes = FIRST_SLAB_BYTES;

  /** The absolute index of the first frame kept. */
  get head(): number {
    return this.#head;
  }

  /** The absolute index the next frame gets. */
  get end(): number {
    return this.#end;
  }

  /** Bytes of the slabs that hold kept frames, and of the spare (for tests and diagnostics). */
  get retainedBytes(): number {
    return this.#slabs.reduce((bytes, slab) => bytes + slab.length, this.#writer?.spare?.length ?? 0);
  }

  /** True between {@link FrameStore.beginFrame} and its commit or abandon. */
  get frameOpen(): boolean {
    return this.#open;
  }

  /** Bytes of the open frame so far, its header included. */
  get openBytes(): number {
    return this.#writer?.length ?? 0;
  }

  /** Starts a frame at the end of the store: its payload is written into the writer returned. */
  beginFrame(): ByteWriter {
    if (this.#open) throw new Error('FrameStore: a frame is already open');
    // Not a private getter: V8 reads one through a call into the runtime, per message.
    const out = (this.#writer ??= new ByteWriter(0));
    out.slabSize = this.#nextSlabBytes;
    out.reset();
    out.ensure(FRAME_HEADER_BYTES);
    out.pos += FRAME_HEADER_BYTES;
    this.#open = true;
    return out;
  }

  /** Drops the open frame: nothing of it is kept. */
  abandonFrame(): void {
    this.#writer?.truncate(0);
    this.#open = false;
  }

  /** Keeps the open frame as the next one; returns its bytes. */
  commit(): number {
    const out = this.#writer as ByteWriter;
    const slab = out.buf;
    if (slab !== this.#slab) this.#addSlab(slab);
    const at = out.start;
    const bytes = out.length;
    const view = this.#view;
    view.setUint32(at, bytes - FRAME_LENGTH_BYTES);
    view.setUint8(at + FRAME_LENGTH_BYTES, FrameKind.NextMessage);
    out.commit();
    this.#open = false;
    if (this.#end - this.#base === this.#lengths.length) this.#makeRoom();
    const slot = this.#end - this.#base;
    this.#slabIds[slot] = this.#firstSlab + this.#slabs.length - 1;
    this.#offsets[slot] = at;
    this.#lengths[slot] = bytes;
    this.#end += 1;
    if (bytes > OWN_SLAB_BYTES) out.adopt(NO_SLAB);
    return bytes;
  }

  /** Stores a frame of a payload already encoded (a string as UTF-8); returns its bytes. */
  append(payload: string | Uint8Array): number {
    const out = this.beginFrame();
    if (typeof payload === 'string') out.utf8(payload);
    else out.copy(payload);
    return this.commit();
  }

  /** Bytes of the frame at `index`. */
  bytesAt(index: number): number {
    return this.#lengths[index - this.#base] as number;
  }

  /** The payload of the frame at `index`, as a view (valid until the store lets the frame go). */
  payloadAt(index: number): Uint8Array {
    const slot = index - this.#base;
    const at = this.#offsets[slot] as number;
    return this.#slabAt(slot).subarray(at + FRAME_HEADER_BYTES, at + (this.#lengths[slot] as number));
  }

  /** The frame at `index` as a Message with its seq, `seq`: a copy, 8 bytes longer than the one kept. */
  numberedFrame(index: number, seq: number): Uint8Array {
    return encodeFrame(FrameKind.Message, this.payloadAt(index), seqBytes(seq));
  }

  /** Hands `write` the frames from `from` to `to`, a run of neighbours in a slab at a time, each run at most `maxRun` bytes (unless one frame is bigger). */
  writeRuns(from: number, to: number, write: RunWriter, maxRun: number): void {
    const base = this.#base;
    for (let i = from; i < to; ) {
      const slab = this.#slabIds[i - base] as number;
      const start = this.#offsets[i - base] as number;
      let stop = start + (this.#lengths[i - base] as number);
      for (i += 1; i < to && this.#slabIds[i - base] === slab && this.#offsets[i - base] === stop && stop - start < maxRun; i++) {
        stop += this.#lengths[i - base] as number;
      }
      write(this.#slabs[slab - this.#firstSlab] as Uint8Array, start, stop);
    }
  }

  /** Lets go of the frames before `index` (acknowledged), and of the slabs only they used. */
  release(index: number): void {
    this.#head = index;
    if (index === this.#end) this.#emptied();
    else {
      const id = this.#slabIds[index - this.#base] as number;
      if (id <= this.#firstSlab) return;
      const gone = this.#slabs.splice(0, id - this.#firstSlab);
      this.#firstSlab = id;
      this.#recycle(gone[gone.length - 1] as Uint8Array);
    }
  }

  /** Lets go of every frame and slab; the next frame gets index `index`. */
  reset(index: number): void {
    this.#slabIds = NO_ENTRIES;
    this.#offsets = NO_ENTRIES;
    this.#lengths = NO_ENTRIES;
    this.#base = index;
    this.#head = index;
    this.#end = index;
    this.#slabs = [];
    this.#firstSlab = 0;
    this.#slab = undefined;
    this.#view = NO_VIEW;
    this.#writer?.adopt(NO_SLAB);
    this.#dropSpare();
    this.#open = false;
    this.#nextSlabBytes = FIRST_SLAB_BYTES;
  }

  /**
   * A slab whose frames are all acknowledged becomes the writer's spare, its next slab
   * (until the log empties): a stream then reuses a few slabs rather than let go of one per MiB. Each new slab is
   * memory outside the JS heap that lives past a few young collections (it waits for its
   * acks), so only a full collection frees it: one per MiB let go made the sender's
   * collector mark its old space 4 times as often as without a session. Safe to write
   * over: the peer acknowledged every frame in it, so every link that wrote it handed it
   * to the OS (a link dropped with it unsent wrote it to a peer that is gone).
   */
  #recycle(slab: Uint8Array): void {
    const writer = this.#writer;
    if (writer !== undefined && slab.length === MAX_SLAB_BYTES && slab !== writer.buf) writer.spare = slab;
  }

  #dropSpare(): void {
    if (this.#writer !== undefined) this.#writer.spare = undefined;
  }

  #slabAt(slot: number): Uint8Array {
    return this.#slabs[(this.#slabIds[slot] as number) - this.#firstSlab] as Uint8Array;
  }

  /** A frame was committed into a new slab: it joins the kept ones, and the next new slab is twice as big. */
  #addSlab(slab: Uint8Array): void {
    this.#slabs.push(slab);
    this.#slab = slab;
    this.#view = new DataView(slab.buffer, slab.byteOffset, slab.length);
    // Doubled from the last size asked for, not from this slab's: one big frame's slab does not make the next ones big.
    this.#nextSlabBytes = Math.min(MAX_SLAB_BYTES, this.#nextSlabBytes * 2);
  }

  /** The index arrays are full: moves the kept entries to the front, or into arrays twice as big. */
  #makeRoom(): void {
    const live = this.#end - this.#head;
    const from = this.#head - this.#base;
    if (this.#lengths.length === 0) {
      this.#slabIds = new Int32Array(FIRST_CAPACITY);
      this.#offsets = new Int32Array(FIRST_CAPACITY);
      this.#lengths = new Int32Array(FIRST_CAPACITY);
    } else if (live * 2 <= this.#lengths.length) {
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

  /** Every frame is acknowledged: the arrays start over, and a small slab stays for the next frames (written after its used part). */
  #emptied(): void {
    // An idle session keeps at most a small slab: not a spare of 1 MiB.
    this.#dropSpare();
    if (this.#lengths.length > 16 * FIRST_CAPACITY) {
      this.#slabIds = NO_ENTRIES;
      this.#offsets = NO_ENTRIES;
      this.#lengths = NO_ENTRIES;
    }
    this.#base = this.#end;
    const slab = this.#slab;
    this.#firstSlab = 0;
    if (slab !== undefined && slab === this.#writer?.buf && slab.length <= KEPT_SLAB_BYTES) {
      this.#slabs = [slab];
      return;
    }
    this.#slabs = [];
    this.#slab = undefined;
    this.#view = NO_VIEW;
    this.#nextSlabBytes = KEPT_SLAB_BYTES;
    if (!this.#open) this.#writer?.adopt(NO_SLAB);
  }
}

/** `live` entries of `array` from `from`, at the start of an array twice as long. */
function grown(array: Int32Array, from: number, live: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array.subarray(from, from + live));
  return bigger;
}
