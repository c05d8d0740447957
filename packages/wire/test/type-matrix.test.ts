/**
 * Every supported type, at every position (a field, inside an array, a Set, a Map,
 * nested collections, an object inside a collection), round-tripped through every codec,
 * directly and through the frame decoder with the frame cut at every byte.
 */
import { NetClass, NetField, NetMessage, Registry, registerEnum, t, type NetClassType, type TypeSpec } from '@oon/core';
import { BinaryCodec, encodeFrame, FrameKind, JsonCodec, type Codec } from '@oon/wire';
import { decodeFrames, splitsInTwo } from '../../../test/support/frames';

const registry = new Registry();

enum Color {
  Red = 'red',
  Blue = 'blue',
}
registerEnum(Color, 'Color', registry);

enum Level {
  Low,
  High,
}
registerEnum(Level, 'Level', registry);

@NetClass({ registry })
class Point {
  @NetField(t.float) x = 0;
  @NetField(t.float) y = 0;
}

@NetClass({ registry })
class Car {
  @NetField(t.number) speed: number | null = null;
}

@NetClass({ registry })
class VolvoCar extends Car {
  @NetField(t.int) wheels = 4;
}

@NetClass({ registry })
class FordTruck extends Car {
  @NetField(t.array(t.string)) cargo: string[] = [];
}

function point(x: number, y: number): Point {
  return Object.assign(new Point(), { x, y });
}

const volvo = (): VolvoCar => Object.assign(new VolvoCar(), { speed: 35, wheels: 6 });
const ford = (): FordTruck => Object.assign(new FordTruck(), { speed: 20, cargo: ['hay'] });

/** A type and values of it (each built fresh, since some are objects). */
interface TypeCase {
  readonly name: string;
  readonly spec: TypeSpec;
  readonly samples: () => unknown[];
}

const TYPES: readonly TypeCase[] = [
  { name: 'number', spec: t.number, samples: () => [0, -1.5, 2 ** 53 - 1, 1e300, -(2 ** 31), 2 ** 31] },
  { name: 'int', spec: t.int, samples: () => [0, -7, 2 ** 40, -(2 ** 53 - 1)] },
  { name: 'float', spec: t.float, samples: () => [0.5, -2, 1e-7, 123456.789] },
  { name: 'string', spec: t.string, samples: () => ['', 'Привет "q"\n', 'é😀\u0000', 'x'.repeat(300), 'ü'.repeat(200)] },
  { name: 'boolean', spec: t.boolean, samples: () => [true, false] },
  { name: 'Date', spec: t.date, samples: () => [new Date(0), new Date('2024-02-29T12:34:56.789Z'), new Date(-8.64e15)] },
  { name: 'bigint', spec: t.bigint, samples: () => [0n, -(2n ** 100n), 2n ** 63n - 1n, -(2n ** 63n)] },
  { name: 'bytes', spec: t.bytes, samples: () => [Buffer.alloc(0), Buffer.from([0, 1, 255]), Buffer.alloc(300, 7)] },
  { name: 'string enum', spec: Color, samples: () => [Color.Red, Color.Blue] },
  { name: 'number enum', spec: Level, samples: () => [Level.Low, Level.High] },
  { name: 'class', spec: Point, samples: () => [point(1.5, -2), point(0, 0)] },
  { name: 'subclass of the declared class', spec: Car, samples: () => [volvo(), ford(), Object.assign(new Car(), { speed: 1 })] },
  { name: 't.json', spec: t.json, samples: () => [{ a: [1, null, 'x'], b: { c: true } }, [1, 2], 'text'] },
  { name: 'optional number', spec: t.optional(t.number), samples: () => [undefined, 3] },
  { name: 'null', spec: t.number, samples: () => [null] },
];

/** Where a value of the type sits in the object sent, and how to put it there. */
interface Position {
  readonly name: string;
  readonly wrap: (spec: TypeSpec) => TypeSpec;
  readonly place: (value: unknown) => unknown;
}

const POSITIONS: readonly Position[] = [
  { name: 'a field', wrap: (s) => s, place: (v) => v },
  { name: 'an array', wrap: (s) => [s], place: (v) => [v, v] },
  { name: 'a Set', wrap: (s) => t.set(s), place: (v) => new Set([v]) },
  { name: 'a string-keyed Map', wrap: (s) => t.map(String, s), place: (v) => new Map([['k', v], ['', v]]) },
  { name: 'an int-keyed Map', wrap: (s) => t.map(t.int, s), place: (v) => new Map([[-3, v]]) },
  { name: 'an array of arrays', wrap: (s) => [[s]], place: (v) => [[v], [], [v, v]] },
  { name: 'a Map of arrays', wrap: (s) => t.map(String, [s]), place: (v) => new Map([['a', [v]]]) },
  { name: 'an array of Sets', wrap: (s) => [t.set(s)], place: (v) => [new Set([v])] },
];

let counter = 0;

/** A fresh registered class with one field, `value`, of type `spec`. */
function holderOf(spec: TypeSpec): NetClassType<{ value: unknown }> {
  const name = `Holder${++counter}`;
  const Holder = class {
    value: unknown = null;
  };
  Object.defineProperty(Holder, 'name', { value: name });
  NetField(() => spec)(Holder.prototype, 'value');
  NetClass({ registry, name })(Holder);
  return Holder;
}

const CODECS: ReadonlyArray<readonly [string, () => Codec]> = [
  ['json', () => new JsonCodec({ registry })],
  ['binary', () => new BinaryCodec({ registry })],
];

describe.each(CODECS)('the %s codec', (_codecName, makeCodec) => {
  const codec = makeCodec();
  const roundTrip = (object: object): unknown => codec.decode(codec.encode(new NetMessage(object))).object;

  describe.each(TYPES)('carries $name', ({ spec, samples }) => {
    it.each(POSITIONS)('in $name', ({ wrap, place }) => {
      const Holder = holderOf(wrap(spec));
      for (const sample of samples()) {
        const sent = Object.assign(new Holder(), { value: place(sample) });
        const received = roundTrip(sent);
        expect(received).toBeInstanceOf(Holder);
        expect(received).toStrictEqual(sent);
      }
    });

    it('in an object inside an array, through frames cut at every byte', () => {
      const Inner = holderOf(spec);
      const Outer = holderOf([Inner]);
      const sent = Object.assign(new Outer(), { value: samples().map((s) => Object.assign(new Inner(), { value: s })) });
      const frame = encodeFrame(FrameKind.Message, codec.encode(new NetMessage(sent, { uuid: 'abc' })));
      for (const [cut, chunks] of splitsInTwo(frame)) {
        const frames = decodeFrames(chunks);
        expect({ cut, count: frames.length }).toEqual({ cut, count: 1 });
        const message = codec.decode((frames[0] as { payload: Buffer }).payload);
        expect(message.uuid).toBe('abc');
        expect(message.object).toStrictEqual(sent);
      }
    });
  });

  describe('polymorphism', () => {
    it('revives the root as the class sent, not the one expected', () => {
      expect(roundTrip(volvo())).toBeInstanceOf(VolvoCar);
      expect(roundTrip(ford())).toStrictEqual(ford());
    });

    it('revives each element of a Car[] as its own class', () => {
      const Garage = holderOf([Car]);
      const received = roundTrip(Object.assign(new Garage(), { value: [volvo(), ford(), null, new Car()] })) as { value: unknown[] };
      expect(received.value.map((c) => (c === null ? null : (c as object).constructor))).toEqual([VolvoCar, FordTruck, null, Car]);
      expect(received.value[0]).toStrictEqual(volvo());
    });

    it('revives each value of a Map<string, Car[]> and each element of a Set<Car> as its own class', () => {
      const Fleet = holderOf(t.map(String, [Car]));
      const map = (roundTrip(Object.assign(new Fleet(), { value: new Map([['x', [ford(), volvo()]]]) })) as { value: Map<string, Car[]> }).value;
      expect(map.get('x')?.map((c) => c.constructor)).toEqual([FordTruck, VolvoCar]);
      const Pool = holderOf(t.set(Car));
      const set = (roundTrip(Object.assign(new Pool(), { value: new Set([volvo(), ford()]) })) as { value: Set<Car> }).value;
      expect([...set].map((c) => c.constructor)).toEqual([VolvoCar, FordTruck]);
    });
  });
});
