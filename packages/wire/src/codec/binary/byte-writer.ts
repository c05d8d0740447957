import { allocSlab, utf8Length, utf8Write, writeU32BE } from '../../platform/bytes';

/** A float64 and its bytes, to write doubles without Buffer's checks (as Buffer itself does). */
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Room a new message needs in the current slab before a fresh slab is taken. */
const MIN_ROOM = 1024;

/**
 * A growing output buffer for the binary codec: varints, float64s and strings written
 * in place, with no allocation per value. As msgpackr does, messages are written one
 * after another into a slab and handed out as views of it (no copy); a slab is never
 * written twice, and a fresh one is taken when too little room is left.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  /** Where the message being written starts. */
  #start = 0;
  /** The slab's memory, whose plain Uint8Array views are cheaper to make than a Buffer's. */
  #buffer: ArrayBufferLike;
  #offset: number;
  /** The size of a fresh slab (a bigger one if the message needs it). */
  slabSize: number;
  /** A slab its owner is done with, taken instead of a new one when big enough (a session's log recycles its acknowledged slabs). */
  spare: Uint8Array | undefined;

  constructor(slabSize = 16 * 1024) {
    this.slabSize = slabSize;
    this.buf = allocSlab(slabSize);
    this.#buffer = this.buf.buffer;
    this.#offset = this.buf.byteOffset;
  }

  /** Starts a new message after the last finished one (what a failed message wrote is abandoned). */
  reset(): void {
    this.pos = this.#start;
    if (this.buf.length - this.pos < MIN_ROOM) this.#take(this.#fresh(this.slabSize));
  }

  /** Where the message being written starts in {@link ByteWriter.buf}. */
  get start(): number {
    return this.#start;
  }

  /** Bytes of the message written so far. */
  get length(): number {
    return this.pos - this.#start;
  }

  /** Drops what the message holds past its first `length` bytes (a frame that failed to encode). */
  truncate(length: number): void {
    this.pos = this.#start + length;
  }

  /** Overwrites 4 bytes at `at` (from the message's start) with `value`, big-endian: a length known only once what follows is written. */
  setU32BE(at: number, value: number): void {
    writeU32BE(this.buf, this.#start + at, value);
  }

  /**
   * Writes the next messages into `slab`, from its start (what the writer held is let go,
   * so nothing may be begun in it). For a caller that sizes its own slabs, such as a
   * frame writer taking a pooled buffer for a small batch.
   */
  adopt(slab: Uint8Array): void {
    this.#take(slab);
  }

  /** The bytes of the message, as a view that later messages never overwrite. */
  finish(): Uint8Array {
    // A view made directly: subarray() looks up a species constructor on every call.
    const out = new Uint8Array(this.#buffer, this.#offset + this.#start, this.pos - this.#start);
    this.#start = this.pos;
    return out;
  }

  /**
   * Ends the message without a view of it, for a caller that keeps where it lies
   * ({@link ByteWriter.buf} from {@link ByteWriter.start}, read before this call).
   */
  commit(): void {
    this.#start = this.pos;
  }

  /** Makes room for `n` more bytes, moving the message begun so far to a bigger slab. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const written = this.pos - this.#start;
    const slab = this.#fresh(Math.max(this.slabSize, (written + n) * 2));
    slab.set(this.buf.subarray(this.#start, this.pos));
    this.#take(slab);
    this.pos = written;
  }

  /** A slab of at least `bytes`: the spare, if big enough, else a new one. */
  #fresh(bytes: number): Uint8Array {
    const spare = this.spare;
    if (spare === undefined || spare.length < bytes) return allocSlab(bytes);
    this.spare = undefined;
    return spare;
  }

  #take(slab: Uint8Array): void {
    this.buf = slab;
    this.#buffer = slab.buffer;
    this.#offset = slab.byteOffset;
    this.#start = 0;
    this.pos = 0;
  }

  u8(value: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** An unsigned integer below 2^32, 7 bits a byte, low bits first. */
  varuint(value: number): void {
    if (this.pos + 5 > this.buf.length) this.ensure(5);
    const buf = this.buf;
    while (value > 0x7f) {
      buf[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[this.pos++] = value;
  }

  /** A 32-bit signed integer, zigzag-encoded so small negatives stay short. */
  zigzag(value: number): void {
    this.varuint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  f64(value: number): void {
    if (this.pos + 8 > this.buf.length) this.ensure(8);
    if (!LITTLE_ENDIAN) {
      new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.pos, value, true);
      this.pos += 8;
      return;
    }
    F64[0] = value;
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = F64_BYTES[0] as number;
    buf[pos++] = F64_BYTES[1] as number;
    buf[pos++] = F64_BYTES[2] as number;
    buf[pos++] = F64_BYTES[3] as number;
    buf[pos++] = F64_BYTES[4] as number;
    buf[pos++] = F64_BYTES[5] as number;
    buf[pos++] = F64_BYTES[6] as number;
    buf[pos++] = F64_BYTES[7] as number;
    this.pos = pos;
  }

  i64(value: bigint): void {
    if (this.pos + 8 > this.buf.length) this.ensure(8);
    // As two 32-bit halves, low first: `value` is within int64 (the caller checks), and
    // `&` and `>>` on a bigint work in two's complement, as the wire wants.
    const buf = this.buf;
    let pos = this.pos;
    let lo = Number(value & 0xffffffffn);
    let hi = Number((value >> 32n) & 0xffffffffn);
    for (let i = 0; i < 4; i++, lo >>>= 8) buf[pos++] = lo & 0xff;
    for (let i = 0; i < 4; i++, hi >>>= 8) buf[pos++] = hi & 0xff;
    this.pos = pos;
  }

  /** A string as its UTF-8 byte length (varuint) and bytes; short ASCII strings skip the encoder. */
  str(value: string): void {
    const length = value.length;
    if (length < 43) {
      // At most 3 bytes per UTF-16 unit: 42 units fit in 126 bytes, a one-byte length.
      if (this.pos + 1 + length * 3 > this.buf.length) this.ensure(1 + length * 3);
      const buf = this.buf;
      const start = this.pos + 1;
      let pos = start;
      for (let i = 0; i < length; i++) {
        const unit = value.charCodeAt(i);
        if (unit >= 0x80) {
          pos = start + utf8Write(buf, value, start);
          break;
        }
        buf[pos++] = unit;
      }
      buf[this.pos] = pos - start;
      this.pos = pos;
      return;
    }
    const bytes = utf8Length(value);
    this.varuint(bytes);
    this.ensure(bytes);
    this.pos += utf8Write(this.buf, value, this.pos);
  }

  /** Bytes as they are, with no length. */
  raw(value: Uint8Array): void {
    const n = value.length;
    if (this.pos + n > this.buf.length) this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = value[i] as number;
    this.pos = pos;
  }

  /** Bytes as they are, with no length, copied in one call (for longer runs than {@link ByteWriter.raw}). */
  copy(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** A string's UTF-8 bytes, with no length. */
  utf8(value: string): void {
    this.ensure(utf8Length(value));
    this.pos += utf8Write(this.buf, value, this.pos);
  }

  /** Raw bytes, after their length. */
  bytes(value: Uint8Array): void {
    this.varuint(value.byteLength);
    this.ensure(value.byteLength);
    this.buf.set(value, this.pos);
    this.pos += value.byteLength;
  }
}
