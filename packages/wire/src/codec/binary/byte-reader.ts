import { BadDataError } from '@oon/core';
import { allocBytes } from '../../platform/bytes';

const utf8 = new TextDecoder('utf-8');
/** A float64 and its bytes, to read doubles without Buffer's checks (as Buffer itself does). */
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A bounds-checked cursor over one binary payload, `buf[start, end)`: every read checks
 * that its bytes are inside the payload, so a truncated or malformed payload fails with
 * `BadData` and never reads past its frame, even where `buf` holds more (the received
 * chunk with the frames around it).
 */
export class ByteReader {
  buf: Uint8Array;
  pos: number;
  end: number;
  /** Where the payload starts in `buf`: positions in error messages count from it. */
  start: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.start = start;
  }

  /** Points the cursor at the start of another payload, `buf[start, end)` (all of `buf` by default). */
  reset(buf: Uint8Array, start = 0, end = buf.length): void {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.start = start;
  }

  /** The error for running out of payload. */
  truncated(): BadDataError {
    return new BadDataError(`binary payload ends at byte ${this.end - this.start} in the middle of a value: it is truncated or malformed`);
  }

  u8(): number {
    if (this.pos >= this.end) throw this.truncated();
    return this.buf[this.pos++] as number;
  }

  /** An unsigned varint below 2^32. */
  varuint(): number {
    // Unrolled while the bytes are surely inside the payload: lengths and ids take one or
    // two bytes, but numbers (a mileage, a count) often take three or four, and the loop
    // with its power of two per byte cost more than the rest of reading such a field.
    const pos = this.pos;
    if (pos + 4 < this.end) {
      const buf = this.buf;
      let byte = buf[pos] as number;
      let result = byte & 0x7f;
      if (byte < 0x80) {
        this.pos = pos + 1;
        return result;
      }
      byte = buf[pos + 1] as number;
      result |= (byte & 0x7f) << 7;
      if (byte < 0x80) {
        this.pos = pos + 2;
        return result;
      }
      byte = buf[pos + 2] as number;
      result |= (byte & 0x7f) << 14;
      if (byte < 0x80) {
        this.pos = pos + 3;
        return result;
      }
      byte = buf[pos + 3] as number;
      result |= (byte & 0x7f) << 21;
      if (byte < 0x80) {
        this.pos = pos + 4;
        return result;
      }
      // The fifth byte holds bits 28 to 31: past int32 range, so added, not or-ed.
      byte = buf[pos + 4] as number;
      if (byte < 0x10) {
        this.pos = pos + 5;
        return result + byte * 0x10000000;
      }
    } else if (pos < this.end) {
      const first = this.buf[pos] as number;
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    return this.#varuintSlow();
  }

  #varuintSlow(): number {
    const buf = this.buf;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw this.truncated();
      const byte = buf[this.pos++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) {
        if (result > 0xffffffff) break;
        return result;
      }
    }
    throw new BadDataError(`binary payload has a malformed varint before byte ${this.pos - this.start}`);
  }

  zigzag(): number {
    const n = this.varuint();
    return (n >>> 1) ^ -(n & 1);
  }

  f64(): number {
    const pos = this.pos;
    if (pos + 8 > this.end) throw this.truncated();
    const buf = this.buf;
    if (LITTLE_ENDIAN) {
      F64_BYTES[0] = buf[pos] as number;
      F64_BYTES[1] = buf[pos + 1] as number;
      F64_BYTES[2] = buf[pos + 2] as number;
      F64_BYTES[3] = buf[pos + 3] as number;
      F64_BYTES[4] = buf[pos + 4] as number;
      F64_BYTES[5] = buf[pos + 5] as number;
      F64_BYTES[6] = buf[pos + 6] as number;
      F64_BYTES[7] = buf[pos + 7] as number;
      this.pos = pos + 8;
      return F64[0] as number;
    }
    this.pos = pos + 8;
    return new DataView(buf.buffer, buf.byteOffset).getFloat64(pos, true);
  }

  i64(): bigint {
    const pos = this.pos;
    if (pos + 8 > this.end) throw this.truncated();
    const b = this.buf;
    const lo = (b[pos] as number) + (b[pos + 1] as number) * 0x100 + (b[pos + 2] as number) * 0x10000 + (b[pos + 3] as number) * 0x1000000;
    // The high half signed: it carries the sign of the whole.
    const hi = (b[pos + 4] as number) | ((b[pos + 5] as number) << 8) | ((b[pos + 6] as number) << 16) | ((b[pos + 7] as number) << 24);
    this.pos = pos + 8;
    return (BigInt(hi) << 32n) + BigInt(lo);
  }

  /** A length-prefixed UTF-8 string of at most `maxBytes` bytes. */
  str(maxBytes: number): string {
    const length = this.varuint();
    if (length > maxBytes) throw new BadDataError(`binary payload holds a string of ${length} bytes, over maxStringBytes (${maxBytes})`);
    const start = this.pos;
    const stop = start + length;
    if (stop > this.end) throw this.truncated();
    this.pos = stop;
    const buf = this.buf;
    if (length <= 16) {
      let high = 0;
      for (let i = start; i < stop; i++) high |= buf[i] as number;
      if (high < 0x80) return asciiShort(buf, start, length);
    }
    return utf8.decode(buf.subarray(start, stop));
  }

  /** Length-prefixed raw bytes, copied out of the payload. */
  bytes(maxBytes: number): Uint8Array {
    const length = this.varuint();
    if (length > maxBytes) throw new BadDataError(`binary payload holds bytes of length ${length}, over maxStringBytes (${maxBytes})`);
    if (this.pos + length > this.end) throw this.truncated();
    // A Buffer in Node, as a `t.bytes` field has always arrived there.
    const out = allocBytes(length);
    out.set(this.buf.subarray(this.pos, this.pos + length));
    this.pos += length;
    return out;
  }

  /** A collection's element count, checked against the limit and the bytes left (each element takes at least one). */
  count(maxLength: number, what: string): number {
    const n = this.varuint();
    if (n > maxLength) throw new BadDataError(`binary payload holds ${what} of ${n} elements, over maxCollectionLength (${maxLength})`);
    if (n > this.end - this.pos) throw this.truncated();
    return n;
  }
}

const fromCharCode = String.fromCharCode;

/** A short ASCII string: one call with the bytes as arguments beats concatenating (as msgpackr does). */
function asciiShort(b: Uint8Array, s: number, n: number): string {
  switch (n) {
    case 0:
      return '';
    case 1:
      return fromCharCode(b[s] as number);
    case 2:
      return fromCharCode(b[s] as number, b[s + 1] as number);
    case 3:
      return fromCharCode(b[s] as number, b[s + 1] as number, b[s + 2] as number);
    case 4:
      return fromCharCode(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number);
    case 5:
      return fromCharCode(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number);
    case 6:
      return fromCharCode(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number);
    case 7:
      return fromCharCode(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number);
    case 8:
      return fromCharCode(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number);
    case 10:
      // A message id (10 hex characters, the origin's shape) is read with every message.
      return fromCharCode(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number);
    default:
      return fromCharCode(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number) + asciiShort(b, s + 8, n - 8);
  }
}
