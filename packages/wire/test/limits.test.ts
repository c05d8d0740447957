import { NetClass, NetField, NetMessage, Registry, t } from '@oon/core';
import {
  BinaryCodec,
  DEFAULT_MAX_COLLECTION_LENGTH,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_STRING_BYTES,
  DEFAULT_MAX_BIGINT_DIGITS,
  JsonCodec,
  type Codec,
  type CodecOptions,
} from '@oon/wire';
import { expectBadData } from '../../../test/support/expect-bad-data';

const registry = new Registry();

@NetClass({ registry, name: 'Link' })
class Link {
  @NetField(() => Link) next: Link | null = null;
}

@NetClass({ registry, name: 'Bag' })
class Bag {
  @NetField(t.array(t.int)) ints: number[] = [];
  @NetField(() => t.set(t.string)) words = new Set<string>();
  @NetField(() => t.map(t.int, t.boolean)) flags = new Map<number, boolean>();
  @NetField(t.string) text = '';
  @NetField(t.bytes) raw: Uint8Array | null = null;
  @NetField(t.json) free: unknown = null;
  @NetField(t.bigint) big: bigint | null = null;
}

const CODECS: ReadonlyArray<readonly [string, (options?: CodecOptions) => Codec]> = [
  ['json', (options) => new JsonCodec({ registry, ...options })],
  ['binary', (options) => new BinaryCodec({ registry, ...options })],
];

function chain(length: number): Link {
  const head = new Link();
  let last = head;
  for (let i = 1; i < length; i++) last = last.next = new Link();
  return head;
}

/** A payload nesting `depth` Links, written by hand as a hostile peer would. */
function deepPayload(codecName: string, depth: number): Buffer {
  if (codecName === 'json') {
    return Buffer.from(`{"head": {"uuid": "x"}, "body": ${'{"type": "Link", "next": '.repeat(depth)}null${'}'.repeat(depth)}}`);
  }
  // [version][uuid ''], the first Link naming its class (03 00 04 'Link' 01), each further Link (03 01), then null.
  return Buffer.from('0100' + '0300044c696e6b01' + '0301'.repeat(depth - 1) + '00', 'hex');
}

it('has the documented defaults', () => {
  expect([DEFAULT_MAX_DEPTH, DEFAULT_MAX_COLLECTION_LENGTH, DEFAULT_MAX_STRING_BYTES, DEFAULT_MAX_BIGINT_DIGITS]).toEqual([64, 100_000, 1024 * 1024, 4096]);
});

describe.each(CODECS)('limits of the %s codec', (codecName, makeCodec) => {
  const codec = makeCodec();
  const bag = (fields: Partial<Bag>): Bag => Object.assign(new Bag(), fields);
  const roundTrip = (object: object, reader = codec): unknown => reader.decode(codec.encode(new NetMessage(object))).object;

  it('refuses a limit that is not a positive integer with RangeError', () => {
    expect(() => makeCodec({ maxDepth: 0 })).toThrow(RangeError);
    expect(() => makeCodec({ maxCollectionLength: 1.5 })).toThrow('maxCollectionLength must be a positive integer');
  });

  describe('maxDepth', () => {
    it('reads nesting up to maxDepth', () => {
      expect(roundTrip(chain(DEFAULT_MAX_DEPTH))).toStrictEqual(chain(DEFAULT_MAX_DEPTH));
    });

    it('refuses a payload nested 100,000 deep with BadData, not a stack overflow', () => {
      expectBadData(() => codec.decode(deepPayload(codecName, 100_000)), 'nested deeper than 64 levels');
    });

    it('refuses to write a chain 100,000 deep with BadData, not a stack overflow', () => {
      expectBadData(() => codec.encode(new NetMessage(chain(100_000))), 'nested deeper than 64 levels (maxDepth)');
    });

    it('refuses a t.json value nested deeper than maxDepth, both ways', () => {
      let deep: unknown = 1;
      for (let i = 0; i < 100; i++) deep = [deep];
      expectBadData(() => codec.encode(new NetMessage(bag({ free: deep }))), 'maxDepth');
      const lenient = makeCodec({ maxDepth: 200 });
      const bytes = lenient.encode(new NetMessage(bag({ free: deep })));
      expectBadData(() => codec.decode(bytes), 'nested deeper than 64 levels');
    });
  });

  describe('maxCollectionLength', () => {
    const small = makeCodec({ maxCollectionLength: 3 });

    it.each<[string, Partial<Bag>]>([
      ['an array', { ints: [1, 2, 3, 4] }],
      ['a Set', { words: new Set(['a', 'b', 'c', 'd']) }],
      ['a Map', { flags: new Map([[1, true], [2, true], [3, false], [4, true]]) }],
    ])('refuses %s over the limit, writing and reading', (what, fields) => {
      expectBadData(() => small.encode(new NetMessage(bag(fields))), `${what} of 4 elements is over maxCollectionLength (3)`);
      const bytes = codec.encode(new NetMessage(bag(fields)));
      expectBadData(() => small.decode(bytes), 'over maxCollectionLength (3)');
    });

    it('accepts collections at the limit', () => {
      const full = bag({ ints: [1, 2, 3], words: new Set(['a']), flags: new Map([[1, true]]) });
      expect(small.decode(small.encode(new NetMessage(full))).object).toStrictEqual(full);
    });

    it('refuses the default limit plus one', () => {
      expectBadData(() => codec.encode(new NetMessage(bag({ ints: new Array(DEFAULT_MAX_COLLECTION_LENGTH + 1).fill(0) }))), 'maxCollectionLength (100000)');
    });
  });

  describe('maxStringBytes', () => {
    const small = makeCodec({ maxStringBytes: 8 });

    it('counts UTF-8 bytes, not characters', () => {
      expect(roundTrip(bag({ text: 'äääā' }), small)).toStrictEqual(bag({ text: 'äääā' }));
      expectBadData(() => small.encode(new NetMessage(bag({ text: 'äääää' }))), 'a string of 10 bytes is over maxStringBytes (8)');
    });

    it('refuses long strings and bytes, writing and reading', () => {
      expectBadData(() => small.encode(new NetMessage(bag({ raw: Buffer.alloc(9) }))), 'over maxStringBytes (8)');
      expectBadData(() => small.decode(codec.encode(new NetMessage(bag({ text: 'x'.repeat(9) })))), 'over maxStringBytes (8)');
      expectBadData(() => small.decode(codec.encode(new NetMessage(bag({ raw: Buffer.alloc(12) })))), 'over maxStringBytes (8)');
    });
  });
});

describe('maxBigIntDigits (the JSON codec: decimal text parses in superlinear time)', () => {
  const json = new JsonCodec({ registry });
  const big = (digits: number, sign = ''): bigint => BigInt(`${sign}${'9'.repeat(digits)}`);
  const bag = (value: bigint): Bag => Object.assign(new Bag(), { big: value });
  /** A payload written by hand, as a hostile peer would, with `digits` decimal digits. */
  const payload = (digits: string): string => `{"head": {"uuid": "x"}, "body": {"type": "Bag", "big": {"type": "bigint", "value": "${digits}"}}}`;

  it('reads and writes a bigint of 4,096 digits either sign, the default limit', () => {
    for (const value of [big(DEFAULT_MAX_BIGINT_DIGITS), big(DEFAULT_MAX_BIGINT_DIGITS, '-')]) {
      expect((json.decode(json.encode(new NetMessage(bag(value)))).object as Bag).big).toBe(value);
    }
  });

  it('refuses one digit more before parsing it, reading and writing, naming the limit and the path', () => {
    expectBadData(
      () => json.decode(payload('7'.repeat(900_000))),
      'body.big: a bigint of 900000 decimal digits is over maxBigIntDigits (4096) of the JSON codec; raise maxBigIntDigits on both sides, or use the binary codec',
    );
    expectBadData(() => json.decode(payload(`-${'7'.repeat(4097)}`)), 'a bigint of 4097 decimal digits is over maxBigIntDigits (4096)');
    expectBadData(() => json.encode(new NetMessage(bag(big(4097)))), 'body.big: a bigint of 4097 decimal digits is over maxBigIntDigits (4096)');
  });

  it('follows the option, and refuses one that is not a positive integer', () => {
    const small = new JsonCodec({ registry, maxBigIntDigits: 3 });
    expect((small.decode(payload('-999')).object as Bag).big).toBe(-999n);
    expectBadData(() => small.decode(payload('1000')), 'over maxBigIntDigits (3)');
    expect(() => new JsonCodec({ registry, maxBigIntDigits: 0 })).toThrow(new RangeError('maxBigIntDigits must be a positive integer, got 0'));
  });

  it('leaves the binary codec alone: it sends hex, read in linear time', () => {
    const binary = new BinaryCodec({ registry });
    expect((binary.decode(binary.encode(new NetMessage(bag(big(5000))))).object as Bag).big).toBe(big(5000));
  });
});
