import { BadDataError } from '@oon/core';

/**
 * A bounds-checked cursor over one binary payload: every read checks that its bytes are
 * inside the payload, so a truncated or malformed payload fails with `BadData` and never
 * reads past its frame.
 */
export class ByteReader {
  buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer) {
    this.buf = buf;
    this.pos = 0;
    this.end = buf.length;
  }

  /** The error for running out of payload. */
  truncated(): BadDataError {
    return new BadDataError(`binary payload ends at byte ${this.end} in the middle of a value: it is truncated or malformed`);
  }

  u8(): number {
    if (this.pos >= this.end) throw this.truncated();
    return this.buf[this.pos++] as number;
  }

  /** An unsigned varint below 2^32. */
  varuint(): number {
    // Most varints (lengths, ids, small numbers) are one byte.
    if (this.pos < this.end) {
      const first = this.buf[this.pos] as number;
      if (first < 0x80) {
        this.pos++;
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
    throw new BadDataError(`binary payload has a malformed varint before byte ${this.pos}`);
  }

  zigzag(): number {
    const n = this.varuint();
    return (n >>> 1) ^ -(n & 1);
  }

  f64(): number {
    if (this.pos + 8 > this.end) throw this.truncated();
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  i64(): bigint {
    if (this.pos + 8 > this.end) throw this.truncated();
    const value = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return value;
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
    if (length < 24) {
      let out = '';
      for (let i = start; i < stop; i++) {
        const byte = buf[i] as number;
        if (byte >= 0x80) return buf.toString('utf8', start, stop);
        out += String.fromCharCode(byte);
      }
      return out;
    }
    return buf.toString('utf8', start, stop);
  }

  /** Length-prefixed raw bytes, copied out of the payload. */
  bytes(maxBytes: number): Buffer {
    const length = this.varuint();
    if (length > maxBytes) throw new BadDataError(`binary payload holds bytes of length ${length}, over maxStringBytes (${maxBytes})`);
    if (this.pos + length > this.end) throw this.truncated();
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + length));
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
