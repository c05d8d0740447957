import { BadDataError } from '@oon/core';
import { readSeq, seqBytes, SEQ_BYTES } from '../src/session/seq';

describe('seq', () => {
  it('writes a seq as 8 bytes, u64 big-endian, and reads it back, up to 2^53 - 1', () => {
    for (const seq of [0, 1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER]) {
      const bytes = seqBytes(seq);
      expect(bytes).toHaveLength(SEQ_BYTES);
      expect(Buffer.from(bytes).readBigUInt64BE(0)).toBe(BigInt(seq));
      expect(readSeq(bytes, 'ack')).toBe(seq);
    }
  });

  it('reads a seq where it lies in a bigger buffer, checking the span it is given', () => {
    const chunk = Buffer.concat([Buffer.from([9, 9, 9]), seqBytes(2 ** 33 + 5), Buffer.from('payload')]);
    expect(readSeq(chunk, 'message', 3, chunk.length)).toBe(2 ** 33 + 5);
    // The chunk has 8 bytes from 3, but the frame given ends at 10: too short.
    expect(() => readSeq(chunk, 'message', 3, 10)).toThrow(new BadDataError('message frame of 7 bytes is too short for its sequence number'));
  });

  it('refuses a seq past 2^53 with BadData', () => {
    const bytes = Buffer.alloc(SEQ_BYTES);
    bytes.writeBigUInt64BE(2n ** 53n);
    expect(() => readSeq(bytes, 'ack')).toThrow(BadDataError);
    expect(() => readSeq(bytes, 'ack')).toThrow(/ack frame's sequence number is past 2\^53/);
  });
});
