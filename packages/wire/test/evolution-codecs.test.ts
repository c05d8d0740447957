/**
 * Both codecs reading a peer's older or newer classes (docs/evolution.md), both
 * directions: each side's codec is made as a connection makes it, with the other side's
 * schema, so the writer refuses what the reader cannot read and the reader resolves.
 */
import { BadDataError, NetClass, NetField, NetMessage, Registry, registerEnum, t } from '@oon/core';
import fc from 'fast-check';
import { BinaryCodec, describeRegistry, JsonCodec, type Codec } from '@oon/wire';
import { aWriterItem, reader, ReaderItem, readerSchema, writer, WriterItem, writerSchema } from './fuzz/evolved';

type CodecName = 'binary' | 'json';

function codec(name: CodecName, registry: Registry, peer: Registry | undefined): Codec {
  const options = { registry, references: false, ...(peer === undefined ? {} : { peerSchema: describeRegistry(peer) }) };
  return name === 'binary' ? new BinaryCodec(options) : new JsonCodec(options);
}

/** Sends `object` from a side with registry `from` to one with `to`, each knowing the other's schema; returns what arrives. */
function travel(name: CodecName, from: Registry, to: Registry, object: object): unknown {
  const payload = codec(name, from, to).encode(new NetMessage(object));
  return codec(name, to, from).decode(payload).object;
}

/** Version 1 of a model. */
function version1() {
  const registry = new Registry();
  @NetClass({ registry, name: 'Car' })
  class Car {
    @NetField() speed: number = 0;
    @NetField(t.int) wheels: number = 4;
    @NetField() plate: string = 'none';
  }
  @NetClass({ registry, name: 'SportsCar' })
  class SportsCar extends Car {
    @NetField() turbo: boolean = false;
  }
  @NetClass({ registry, name: 'Garage' })
  class Garage {
    @NetField(() => [Car]) cars: Car[] = [];
    @NetField(() => t.map(String, Car)) byPlate = new Map<string, Car>();
    @NetField(() => t.set(Car)) parked = new Set<Car>();
    @NetField(() => Car) best: Car | null = null;
  }
  return { registry, Car, SportsCar, Garage };
}

/** Version 2: `plate` gone, `colour` and `owner` (of a new class) added, fields and classes declared in another order. */
function version2() {
  const registry = new Registry();
  @NetClass({ registry, name: 'Person' })
  class Person {
    @NetField() name: string = '';
  }
  @NetClass({ registry, name: 'Car' })
  class Car {
    @NetField(() => Person) owner: Person | null = null;
    @NetField() speed: number = 0;
    @NetField(t.int) wheels: number = 4;
    @NetField() colour: string = 'red';
    describe(): string {
      return `${this.colour} car at ${this.speed}`;
    }
  }
  @NetClass({ registry, name: 'Garage' })
  class Garage {
    @NetField(() => t.set(Car)) parked = new Set<Car>();
    @NetField(() => Car) best: Car | null = null;
    @NetField(() => [Car]) cars: Car[] = [];
    @NetField(() => t.map(String, Car)) byPlate = new Map<string, Car>();
    @NetField() label: string = 'main';
  }
  return { registry, Person, Car, Garage };
}

describe.each(['binary', 'json'] as const)('the %s codec between two versions of a model', (name) => {
  const v1 = version1();
  const v2 = version2();

  it('reads an older class into a newer one: a field only the writer has is skipped, one only the reader has keeps its default', () => {
    const car = travel(name, v1.registry, v2.registry, Object.assign(new v1.Car(), { speed: 90, wheels: 6, plate: 'AB-12' }));

    expect(car).toBeInstanceOf(v2.Car);
    expect(car).toEqual(Object.assign(new v2.Car(), { speed: 90, wheels: 6 }));
    expect((car as InstanceType<typeof v2.Car>).describe()).toBe('red car at 90');
  });

  it('reads a newer class into an older one, skipping a field that holds an object of a class the older lacks', () => {
    const owner = Object.assign(new v2.Person(), { name: 'Ada' });
    const car = travel(name, v2.registry, v1.registry, Object.assign(new v2.Car(), { speed: 50, wheels: 3, colour: 'blue', owner }));

    expect(car).toBeInstanceOf(v1.Car);
    expect(car).toEqual(Object.assign(new v1.Car(), { speed: 50, wheels: 3 }));
  });

  it('reads evolved classes nested in arrays, maps, sets and fields, both ways', () => {
    const old = (speed: number) => Object.assign(new v1.Car(), { speed, plate: `P${speed}` });
    const garage = Object.assign(new v1.Garage(), {
      cars: [old(1), old(2)],
      byPlate: new Map([['x', old(3)]]),
      parked: new Set([old(4)]),
      best: old(5),
    });
    const newer = travel(name, v1.registry, v2.registry, garage) as InstanceType<typeof v2.Garage>;

    expect(newer).toBeInstanceOf(v2.Garage);
    expect(newer.label).toBe('main');
    expect(newer.cars.map((c) => [c.constructor, c.speed, c.colour])).toEqual([
      [v2.Car, 1, 'red'],
      [v2.Car, 2, 'red'],
    ]);
    expect(newer.byPlate.get('x')).toEqual(Object.assign(new v2.Car(), { speed: 3 }));
    expect([...newer.parked]).toEqual([Object.assign(new v2.Car(), { speed: 4 })]);
    expect(newer.best).toBeInstanceOf(v2.Car);

    const back = travel(name, v2.registry, v1.registry, newer) as InstanceType<typeof v1.Garage>;
    expect(back).toBeInstanceOf(v1.Garage);
    expect(back.cars.map((c) => [c.constructor, c.speed, c.plate])).toEqual([
      [v1.Car, 1, 'none'],
      [v1.Car, 2, 'none'],
    ]);
    expect(back.byPlate.get('x')).toBeInstanceOf(v1.Car);
    expect([...back.parked][0]).toBeInstanceOf(v1.Car);
  });

  it('refuses, before writing, a subclass only the writer knows in a field the reader reads, naming class and rule', () => {
    const sports = Object.assign(new v1.SportsCar(), { speed: 300, turbo: true });
    const writer = codec(name, v1.registry, v2.registry);

    expect(() => writer.encode(new NetMessage(Object.assign(new v1.Garage(), { best: sports })))).toThrow(
      new BadDataError(
        "body.best: cannot send `SportsCar`: the peer's schema cannot read it: the peer has no class `SportsCar` (nor one with it as an alias) (rule class-missing). Nothing was sent; docs/evolution.md says which changes peers can read",
      ),
    );
    // The same codec goes on writing what the peer can read.
    const garage = codec(name, v2.registry, v1.registry).decode(writer.encode(new NetMessage(Object.assign(new v1.Garage(), { best: new v1.Car() })))).object;
    expect((garage as InstanceType<typeof v2.Garage>).best).toBeInstanceOf(v2.Car);
  });

  it('refuses an object of a class the peer cannot read at the top, and reads the same class sent by a peer that did not check', () => {
    const strict = new Registry();
    @NetClass({ registry: strict, name: 'Car' })
    class TextCar {
      @NetField() speed: string = '';
    }
    const object = Object.assign(new TextCar(), { speed: 'fast' });
    const why = 'a string cannot be read as a number (rule type-changed)';

    expect(() => codec(name, strict, v1.registry).encode(new NetMessage(object))).toThrow(
      `cannot send \`Car\`: the peer's schema cannot read it: \`Car.speed\` is string in this side's schema, number in the peer's: ${why}`,
    );
    const unchecked = codec(name, strict, undefined).encode(new NetMessage(object));
    expect(() => codec(name, v1.registry, strict).decode(unchecked)).toThrow(
      new BadDataError(`body: the peer sent \`Car\`, which this side's schema cannot read: \`Car.speed\` is string in the peer's schema, number in this side's: ${why}`),
    );
  });

  it('reads a class declared alike with the codec it always had', () => {
    const same = version1();
    const car = travel(name, v1.registry, same.registry, Object.assign(new v1.Car(), { speed: 7, plate: 'Q' }));
    expect(car).toEqual(Object.assign(new same.Car(), { speed: 7, plate: 'Q' }));
  });
});

describe.each(['binary', 'json'] as const)('the %s codec with widening, aliases, enums and references', (name) => {
  it('reads an int as a number and a float, a string into t.optional, and refuses the way back', () => {
    const narrow = new Registry();
    @NetClass({ registry: narrow, name: 'Reading' })
    class Narrow {
      @NetField(t.int) count: number = 0;
      @NetField(t.int) level: number = 0;
      @NetField() note: string = '';
    }
    const wide = new Registry();
    @NetClass({ registry: wide, name: 'Reading' })
    class Wide {
      @NetField(t.number) count: number = 0;
      @NetField(t.float) level: number = 0;
      @NetField(t.optional(t.string)) note?: string = 'unset';
    }

    expect(travel(name, narrow, wide, Object.assign(new Narrow(), { count: 2 ** 40, level: -3, note: 'n' }))).toEqual(Object.assign(new Wide(), { count: 2 ** 40, level: -3, note: 'n' }));
    expect(() => codec(name, wide, narrow).encode(new NetMessage(new Wide()))).toThrow(/`Reading.count` is number in this side's schema, int in the peer's: a number cannot be read as an int without loss \(rule type-changed\)/);
  });

  it('reads a renamed class and renamed fields through the reader aliases, and writes the new names back', () => {
    const old = new Registry();
    @NetClass({ registry: old, name: 'Truck' })
    class Truck {
      @NetField(t.int) carCount: number = 0;
      @NetField() name: string = '';
    }
    const renamed = new Registry();
    @NetClass({ registry: renamed, name: 'Trailer', aliases: ['Truck'] })
    class Trailer {
      @NetField(t.int, { name: 'count', aliases: ['carCount'] }) count: number = 0;
      @NetField() name: string = '';
    }

    const trailer = travel(name, old, renamed, Object.assign(new Truck(), { carCount: 3, name: 'T' }));
    expect(trailer).toEqual(Object.assign(new Trailer(), { count: 3, name: 'T' }));
    expect(trailer).toBeInstanceOf(Trailer);
    // The old side has no alias for the new names: it cannot read a Trailer, and says so before writing.
    expect(() => codec(name, renamed, old).encode(new NetMessage(new Trailer()))).toThrow(/cannot send `Trailer`: .*rule class-missing/);
  });

  it('reads an enum into one with more members, and refuses the class the other way', () => {
    const declare = (members: Record<string, number>) => {
      const registry = new Registry();
      registerEnum(members, 'Mark', registry);
      @NetClass({ registry, name: 'Car' })
      class Car {
        @NetField(() => members) mark: number = 0;
      }
      return { registry, Car };
    };
    const few = declare({ Volvo: 0, Ford: 2 });
    const more = declare({ Volvo: 0, Toyota: 1, Ford: 2 });

    expect(travel(name, few.registry, more.registry, Object.assign(new few.Car(), { mark: 2 }))).toEqual(Object.assign(new more.Car(), { mark: 2 }));
    expect(() => codec(name, more.registry, few.registry).encode(new NetMessage(Object.assign(new more.Car(), { mark: 0 })))).toThrow(
      "cannot send `Car`: the peer's schema cannot read it: `Car.mark` is enum Mark in this side's schema, enum Mark in the peer's: the peer's enum Mark lacks `Toyota` = 1 (rule enum-member-missing)",
    );
  });

  it('keeps shared objects and cycles through an evolved class, and a shared object first met in a skipped field', () => {
    const withSpare = (() => {
      const registry = new Registry();
      @NetClass({ registry, name: 'Node', references: true })
      class Node {
        @NetField() value: number = 0;
        @NetField(() => Node) next: Node | null = null;
        @NetField(() => Node) spare: Node | null = null;
      }
      return { registry, Node };
    })();
    const without = (() => {
      const registry = new Registry();
      @NetClass({ registry, name: 'Node', references: true })
      class Node {
        @NetField() value: number = 0;
        @NetField(() => Node) next: Node | null = null;
        @NetField() label: string = 'new';
      }
      return { registry, Node };
    })();
    const a = Object.assign(new withSpare.Node(), { value: 1 });
    const b = Object.assign(new withSpare.Node(), { value: 2, next: a });
    a.next = b;
    // `b` is first written inside `spare`, which the reader skips, then referred to from `next`.
    Object.assign(a, { spare: b });

    const arrived = travel(name, withSpare.registry, without.registry, a) as InstanceType<typeof without.Node>;
    expect(arrived).toBeInstanceOf(without.Node);
    expect(arrived.next).toBeInstanceOf(without.Node);
    expect(arrived.next?.value).toBe(2);
    expect(arrived.next?.next).toBe(arrived);

    const back = travel(name, without.registry, withSpare.registry, arrived) as InstanceType<typeof withSpare.Node>;
    expect(back.next?.next).toBe(back);
    expect(back.spare).toBeNull();
  });
});

describe("the origin's wire (no hello, so no writer schema)", () => {
  it('skips body keys no field is declared for and keeps the initial value of fields the body lacks, as the origin did', () => {
    const { registry, Car } = version1();
    const origin = new JsonCodec({ registry, originOnly: true });

    const car = origin.decode('{"head": {"uuid": "u"}, "body": {"type": "Car", "speed": 5, "colour": "red", "owner": {"type": "Person", "name": "Ada"}}}').object;

    expect(car).toEqual(Object.assign(new Car(), { speed: 5 }));
    // Between OON peers without a peer schema, an undeclared key is still refused.
    expect(() => new JsonCodec({ registry }).decode('{"head": {"uuid": "u"}, "body": {"type": "Car", "colour": "red"}}')).toThrow('body: class Car has no field `colour`');
  });
});

describe('a peer that states another schema hash than its own', () => {
  /** A registry of one class `Lied`, seen nowhere else in this file (agreements are cached per pair of schemas). */
  function declare(fields: 'old' | 'new', suffix: string) {
    const registry = new Registry();
    @NetClass({ registry, name: `Lied.${suffix}` })
    class Lied {
      @NetField() speed: number = 0;
      @NetField() colour: string = 'red';
    }
    if (fields === 'old') NetField(t.int)(Lied.prototype, 'wheels');
    return { registry, Lied };
  }

  it.each(['binary', 'json'] as const)('does not choose how a later peer with that hash is read (%s codec)', (codecName) => {
    const older = declare('old', codecName);
    const newer = declare('new', codecName);
    const honest = describeRegistry(older.registry);
    // The newer side's own schema under the honest peer's hash, resolved first.
    const liar = { ...describeRegistry(declare('new', codecName).registry), hash: honest.hash };
    void (codecName === 'binary' ? new BinaryCodec({ registry: newer.registry, peerSchema: liar }) : new JsonCodec({ registry: newer.registry, peerSchema: liar }));

    const payload = codec(codecName, older.registry, newer.registry).encode(new NetMessage(Object.assign(new older.Lied(), { speed: 9, colour: 'blue', wheels: 5 })));
    const reader = codecName === 'binary' ? new BinaryCodec({ registry: newer.registry, peerSchema: honest }) : new JsonCodec({ registry: newer.registry, peerSchema: honest });

    expect(reader.decode(payload).object).toEqual(Object.assign(new newer.Lied(), { speed: 9, colour: 'blue' }));
  });
});

describe('resolved decoders on random values', () => {
  /** What the reader should make of a writer's item: `count` read into `total`, `owner` skipped, `colour` defaulted. */
  function expected(item: WriterItem, seen = new Map<WriterItem, ReaderItem>()): ReaderItem {
    const known = seen.get(item);
    if (known !== undefined) return known;
    const out = Object.assign(new ReaderItem(), { id: item.id, total: item.count, mark: item.mark, label: item.label });
    seen.set(item, out);
    out.parts = item.parts.map((p) => expected(p, seen));
    out.named = new Map([...item.named].map(([k, v]) => [k, expected(v, seen)]));
    return out;
  }

  it.each(['binary', 'json'] as const)('revive each writer item as the reader item it should be (%s codec)', (name) => {
    const make = (registry: Registry, peer: typeof writerSchema) => (name === 'binary' ? new BinaryCodec({ registry, peerSchema: peer }) : new JsonCodec({ registry, peerSchema: peer }));
    const from = make(writer, readerSchema);
    const to = make(reader, writerSchema);
    fc.assert(
      fc.property(aWriterItem, (item) => {
        const arrived = to.decode(from.encode(new NetMessage(item))).object;
        expect(arrived).toEqual(expected(item));
        expect(arrived).toBeInstanceOf(ReaderItem);
      }),
      { numRuns: 300, seed: 20261205 },
    );
  });
});
