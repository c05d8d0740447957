/**
 * A growing output buffer for the binary codec: varints, float64s and strings written
 * in place, with no allocation per value. One writer serves every message a codec
 * encodes; {@link ByteWriter.finish} copies the bytes out.
 */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialSize = 8192) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Starts a new message. */
  reset(): void {
    this.pos = 0;
  }

  /** The bytes written since {@link ByteWriter.reset}, as a fresh buffer. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
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
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  i64(value: bigint): void {
    if (this.pos + 8 > this.buf.length) this.ensure(8);
    this.buf.writeBigInt64LE(value, this.pos);
    this.pos += 8;
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
          pos = start + buf.write(value, start, 'utf8');
          break;
        }
        buf[pos++] = unit;
      }
      buf[this.pos] = pos - start;
      this.pos = pos;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varuint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  /** Raw bytes, after their length. */
  bytes(value: Uint8Array): void {
    this.varuint(value.byteLength);
    this.ensure(value.byteLength);
    this.buf.set(value, this.pos);
    this.pos += value.byteLength;
  }
}
