import { BadDataError } from '@oon/core';
import { ByteReader } from '../src/codec/binary/byte-reader';
import { ByteWriter } from '../src/codec/binary/byte-writer';

/** The varint the writer makes of `n`, followed by `after` spare bytes. */
function varintBytes(n: number, after = 0): Uint8Array {
  const w = new ByteWriter(64);
  w.reset();
  w.varuint(n);
  for (let i = 0; i < after; i++) w.u8(0xee);
  return Uint8Array.from(w.finish());
}

describe('ByteReader', () => {
  describe('over a span of a larger buffer', () => {
    it('reads inside the span only, and counts positions in errors from its start', () => {
      // A string 'ab' at [1, 4), with bytes around it that would read on if the end were ignored.
      const buf = Uint8Array.from([0x05, 0x02, 0x61, 0x62, 0x05, 0x63, 0x63]);
      const r = new ByteReader(buf, 1, 4);
      expect(r.str(100)).toBe('ab');
      expect(r.pos).toBe(4);
      expect(() => r.u8()).toThrow(/ends at byte 3 in the middle of a value/);

      r.reset(Uint8Array.from([0x09, 0x80, 0x80, 0x05]), 1, 3);
      expect(() => r.varuint()).toThrow(/ends at byte 2 in the middle of a value/);
    });
  });

  describe('#varuint()', () => {
    // Each length's first and last value, and 2^32 - 1, the largest a varuint holds.
    const values = [0, 1, 127, 128, 16_383, 16_384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 - 1];

    it.each(values)('reads %d back, with and without bytes after it', (n) => {
      // With bytes after it the unrolled path reads it; at the payload's end, the careful one.
      for (const after of [0, 1, 5]) {
        const r = new ByteReader(varintBytes(n, after));
        expect(r.varuint()).toBe(n);
        expect(r.end - r.pos).toBe(after);
      }
    });

    it('refuses a varint over 2^32 - 1, however many bytes follow', () => {
      for (const after of [0, 5]) {
        const bytes = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x10, ...new Array<number>(after).fill(0)]);
        expect(() => new ByteReader(bytes).varuint()).toThrow(new BadDataError('binary payload has a malformed varint before byte 5'));
      }
    });

    it('refuses a varint whose fifth byte continues', () => {
      const bytes = Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x81, 0x01, 0, 0]);
      expect(() => new ByteReader(bytes).varuint()).toThrow(BadDataError);
    });

    it('fails as truncated when the payload ends inside a varint', () => {
      const bytes = varintBytes(2 ** 28).subarray(0, 3);
      expect(() => new ByteReader(bytes).varuint()).toThrow(/ends at byte 3 in the middle of a value/);
    });
  });
});

describe('ByteWriter', () => {
  describe('#setU32BE()', () => {
    it('overwrites four bytes big-endian at a place counted from the message start, over the whole u32 range', () => {
      const w = new ByteWriter(64);
      w.reset();
      w.u8(0xaa);
      w.finish(); // the next message starts at byte 1 of the slab
      w.reset();
      for (let i = 0; i < 9; i++) w.u8(0);
      w.setU32BE(0, 0x01020304);
      w.setU32BE(4, 0xfffffffe);
      expect(Buffer.from(w.finish()).toString('hex')).toBe('01020304' + 'fffffffe' + '00');
    });
  });
});
