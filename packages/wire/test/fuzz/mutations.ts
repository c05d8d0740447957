/**
 * Ways to damage a valid input: bit flips, truncations, insertions, deletions, lengths
 * written at and around the limits, and hostile JSON tokens spliced in.
 */
import fc from 'fast-check';
import { FUZZ_MAX_FRAME_BYTES } from './targets';

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; count: number }
  | { op: 'length'; at: number; value: number }
  | { op: 'token'; at: number; token: string };

/** u32 values that sit on the edges of the frame limit and of the integer ranges. */
const EDGE_LENGTHS = [0, 1, 2, FUZZ_MAX_FRAME_BYTES - 1, FUZZ_MAX_FRAME_BYTES, FUZZ_MAX_FRAME_BYTES + 1, 0x7fffffff, 0x80000000, 0xffffffff];

/** JSON that attacks revival or the parser. */
const TOKENS = ['"__proto__"', '"constructor"', '"prototype"', '"type"', '{', '}', '[', ']', '"', '\\', ':', ',', 'null', '1e999', '-0', '"\\ud800"', '\u0000', '\u2028', '{"type": "Object"}', '[[[[[[[[[[',
  // Digits past the JSON bigints target's maxBigIntDigits, spliced into a bigint's string.
  '9'.repeat(100)];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('length' as const), at: fc.nat(), value: fc.constantFrom(...EDGE_LENGTHS) }),
  fc.record({ op: fc.constant('token' as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
);

function apply(input: Uint8Array, m: Mutation): Uint8Array {
  const bytes = Buffer.from(input);
  const at = bytes.length === 0 ? 0 : m.at % bytes.length;
  switch (m.op) {
    case 'flip':
      if (bytes.length > 0) bytes.writeUInt8(bytes.readUInt8(at) ^ (1 << m.bit), at);
      return bytes;
    case 'truncate':
      return bytes.subarray(0, at);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.count)]);
    case 'length': {
      const word = Buffer.alloc(4);
      word.writeUInt32BE(m.value >>> 0, 0);
      // On a frame boundary as often as not: the start is where a length lives.
      const where = m.at % 2 === 0 ? 0 : at;
      return Buffer.concat([bytes.subarray(0, where), word, bytes.subarray(where + 4)]);
    }
    case 'token':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.token, 'utf8'), bytes.subarray(at)]);
  }
}

/** A valid input with 1 to 4 mutations applied. */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([input, ms]) => ms.reduce(apply, input));
}

/** Where a stream is cut into chunks: sizes of the pieces, 1 byte included. */
export const cuts: fc.Arbitrary<number[]> = fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 32 });
