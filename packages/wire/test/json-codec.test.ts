import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetClass, NetField, NetMessage, Registry, t } from '@oon/core';
import { JsonCodec } from '@oon/wire';
import { Car, CarMark, FordTruck, Truc, TrucTrailer, VolvoCar } from '../../../examples/cars/src/cars';
import { Color, Everything, Point } from '../../../test/support/extra';
import { expectBadData } from '../../../test/support/expect-bad-data';

const FIXTURES = join(__dirname, '../../../test/fixtures/oon-0.0.5/fixtures');
const UUID = '0123456789';

/** The exact bytes Python oon 0.0.5 sent, as recorded in the fixture. */
function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** A message text with `body` in place of the fixture's body. */
function withBody(body: string): string {
  return `{"head": {"uuid": "${UUID}"}, "body": ${body}}`;
}

/** `everything.json`'s values, in an `Everything` (the twin of extra.py). */
function everything(): Everything {
  return Object.assign(new Everything(), {
    color: Color.Blue,
    count: -7,
    flag: true,
    name: 'Привет "q"',
    nothing: null,
    numbers: [1, 2, 3],
    origin: new Point(1.5, -2.0),
    ratio: 2.5,
    table: { a: 1, b: [true, null] },
  });
}

/** The seed objects and the fixture Python wrote for each, with the ignore list it used. */
const SEEDS: ReadonlyArray<readonly [fixture: string, build: () => object, ignore: string[]]> = [
  ['ford_truck.json', () => new FordTruck(20, new VolvoCar(35, 4), 1), []],
  ['volvo_car.json', () => new VolvoCar(35, 4), []],
  ['car_defaults.json', () => new Car(), []],
  ['ford_truck_ignore_speed.json', () => new FordTruck(20, new VolvoCar(35, 4), 1), ['speed']],
  ['everything.json', everything, []],
];

// Classes beyond the origin's, registered in the default registry beside cars.ts and extra.ts.

@NetClass()
class Garage {
  @NetField(() => [Car]) cars: Array<Car | null> = [];
  @NetField(t.array(t.array(Point))) grid: Point[][] = [];
}

@NetClass()
class Chain {
  @NetField(t.number) n: number = 0;
  @NetField(() => Chain) next: Chain | null = null;
}

@NetClass()
class Needy {
  @NetField(t.string) label: string = '';
  constructor(label?: string) {
    if (label === undefined) throw new Error('label is required');
    this.label = label;
  }
}

@NetClass()
class Matrix {
  @NetField(t.array(t.array(t.int))) rows: number[][] = [];
}

class Stray {
  speed = 1;
}

/** A chain of `length` linked objects. */
function chain(length: number): Chain {
  const head = new Chain();
  let last = head;
  for (let i = 1; i < length; i++) {
    last.next = Object.assign(new Chain(), { n: i });
    last = last.next;
  }
  return head;
}

/** The JSON body of a chain of `length` objects. */
function chainJson(length: number): string {
  let json = 'null';
  for (let i = length - 1; i >= 0; i--) json = `{"type": "Chain", "n": ${i}, "next": ${json}}`;
  return json;
}

describe('JsonCodec', () => {
  const codec = new JsonCodec();

  it('is named json', () => {
    expect(codec.name).toBe('json');
  });

  describe('encode', () => {
    it.each(SEEDS)('writes exactly the bytes of %s', (name, build, ignore) => {
      const encoded = codec.encode(new NetMessage(build(), { uuid: UUID, ignore }));
      expect(typeof encoded).toBe('string');
      expect(Buffer.from(encoded).toString('utf8')).toBe(fixture(name).toString('utf8'));
      expect(Buffer.from(encoded).equals(fixture(name))).toBe(true);
    });

    it('writes the message uuid in the head', () => {
      const message = new NetMessage(new Car());
      const encoded = codec.encode(message) as string;
      expect(encoded.startsWith(`{"head": {"uuid": "${message.uuid}"}, "body": {"type": "Car"`)).toBe(true);
    });

    it('writes only ASCII, escaping the rest as Python does', () => {
      const encoded = codec.encode(new NetMessage(everything(), { uuid: UUID })) as string;
      expect(encoded).toMatch(/^[\x20-\x7e]*$/);
      expect(encoded).toContain('"name": "\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442 \\"q\\""');
    });

    it('writes t.float values with a fraction and t.number integers without', () => {
      const car = Object.assign(new Car(), { speed: 35.5 });
      expect(codec.encode(new NetMessage(car, { uuid: UUID }))).toBe(
        withBody('{"type": "Car", "mark": null, "speed": 35.5}'),
      );
      expect(codec.encode(new NetMessage(new Point(1, 2), { uuid: UUID }))).toBe(
        withBody('{"type": "Point", "x": 1.0, "y": 2.0}'),
      );
    });

    it('writes undefined and null fields as null', () => {
      const car = Object.assign(new Car(), { mark: undefined, speed: null });
      expect(codec.encode(new NetMessage(car, { uuid: UUID }))).toBe(withBody('{"type": "Car", "mark": null, "speed": null}'));
    });

    it('writes a field of a subclass instance under the subclass name', () => {
      const truck = new FordTruck(20, new FordTruck(5, new Car(), 0), 1);
      const encoded = codec.encode(new NetMessage(truck, { uuid: UUID })) as string;
      expect(encoded).toContain('"car_inside": {"type": "FordTruck", "mark": {"type": "CarMark", "value": 2}, "speed": 5,');
      expect(encoded).toContain('"car_inside": {"type": "Car", "mark": null, "speed": null}');
    });

    describe('with ignore', () => {
      it('leaves a field out at every depth, matched by wire name or property name', () => {
        const truck = new FordTruck(20, new VolvoCar(35, 4), 1);
        const byWire = codec.encode(new NetMessage(truck, { uuid: UUID, ignore: ['car_inside'] }));
        const byKey = codec.encode(new NetMessage(truck, { uuid: UUID, ignore: ['carInside'] }));
        const expected = withBody(
          '{"type": "FordTruck", "mark": {"type": "CarMark", "value": 2}, "speed": 20, "trailer": {"type": "TrucTrailer", "car_count": 1}}',
        );
        expect(byWire).toBe(expected);
        expect(byKey).toBe(expected);
      });

      it('leaves several fields out', () => {
        const truck = new FordTruck(20, new VolvoCar(35, 4), 1);
        expect(codec.encode(new NetMessage(truck, { uuid: UUID, ignore: ['mark', 'speed', 'car_count', 'wheels'] }))).toBe(
          withBody('{"type": "FordTruck", "trailer": {"type": "TrucTrailer", "car_inside": {"type": "VolvoCar"}}}'),
        );
      });

      it('does not look at a field it leaves out, even one that would fail', () => {
        const car = Object.assign(new Car(), { speed: 'fast' });
        expect(codec.encode(new NetMessage(car, { uuid: UUID, ignore: ['speed'] }))).toBe(withBody('{"type": "Car", "mark": null}'));
      });
    });

    describe('arrays of registered objects (beyond the origin)', () => {
      it('writes each element under its own class, null elements as null', () => {
        const garage = Object.assign(new Garage(), {
          cars: [new VolvoCar(35, 4), null, Object.assign(new Car(), { speed: 12.5 })],
          grid: [[new Point(1, 2)], []],
        });
        expect(codec.encode(new NetMessage(garage, { uuid: UUID }))).toBe(
          withBody(
            '{"type": "Garage", "cars": [{"type": "VolvoCar", "mark": {"type": "CarMark", "value": 0}, "speed": 35, "wheels": 4}, ' +
              'null, {"type": "Car", "mark": null, "speed": 12.5}], "grid": [[{"type": "Point", "x": 1.0, "y": 2.0}], []]}',
          ),
        );
      });

      it('refuses an element that is not the declared class or a subclass, naming its index', () => {
        const garage = Object.assign(new Garage(), { cars: [new Car(), new TrucTrailer()] });
        expectBadData(
          () => codec.encode(new NetMessage(garage)),
          'body.cars[1]: expected Car, got TrucTrailer, which does not extend it',
        );
      });
    });

    describe('refusing what it cannot send', () => {
      it('refuses a plain object with BadData', () => {
        expectBadData(() => codec.encode(new NetMessage({ speed: 35 })), 'body: cannot send a plain object', '@NetClass');
      });

      it('refuses an instance of an unregistered class with BadData', () => {
        expectBadData(() => codec.encode(new NetMessage(new Stray())), 'body: cannot send an instance of Stray');
      });

      it('refuses a plain object or an unregistered instance nested in a class field', () => {
        const truck = new FordTruck();
        (truck as { trailer: unknown }).trailer = { car_count: 1 };
        expectBadData(() => codec.encode(new NetMessage(truck)), 'body.trailer: cannot send a plain object');
        const trailer = new TrucTrailer();
        (trailer as { carInside: unknown }).carInside = new Stray();
        expectBadData(() => codec.encode(new NetMessage(trailer)), 'body.car_inside: cannot send an instance of Stray');
      });

      it('refuses a class field holding a class that does not extend the declared one', () => {
        const truck = new FordTruck();
        (truck as { trailer: unknown }).trailer = new VolvoCar();
        expectBadData(
          () => codec.encode(new NetMessage(truck)),
          'body.trailer: expected TrucTrailer, got VolvoCar, which does not extend it',
        );
      });

      it('refuses a value of the wrong type, naming its path', () => {
        const truck = new FordTruck(20, new VolvoCar(35, 4), 1);
        (truck.trailer?.carInside as { speed: unknown }).speed = 'fast';
        expectBadData(() => codec.encode(new NetMessage(truck)), 'body.trailer.car_inside.speed: expected number, got string "fast"');
      });

      it.each<[string, Partial<Record<keyof Everything, unknown>>, string]>([
        ['a non-integer in a t.int field', { count: 1.5 }, 'body.count: expected int, got number 1.5'],
        ['a string in a boolean field', { flag: 'yes' }, 'body.flag: expected boolean, got string "yes"'],
        ['a number in a string field', { name: 5 }, 'body.name: expected string, got number 5'],
        ['a value in a t.null field', { nothing: 0 }, 'body.nothing: expected null, got number 0'],
        ['a number in an array field', { numbers: 5 }, 'body.numbers: expected array<number>, got number 5'],
        ['a wrong array element', { numbers: [1, '2'] }, 'body.numbers[1]: expected number, got string "2"'],
        ['a value not a member of the enum', { color: 'green' }, 'body.color: expected enum Color, got string "green"'],
        ['a number where a class is declared', { origin: 5 }, 'body.origin: expected Point, got number 5'],
        ['NaN in a t.float field', { ratio: NaN }, 'NaN cannot be sent as JSON'],
        ['Infinity in a t.int field', { count: Infinity }, 'body.count: expected int, got number Infinity'],
        ['an instance in a t.json field', { table: { car: new Car() } }, 'body.table.car: a t.json field holds plain JSON'],
        ['NaN in a t.json field', { table: { x: NaN } }, 'NaN cannot be sent as JSON'],
      ])('refuses %s with BadData', (_what, values, fragment) => {
        const object = Object.assign(everything(), values);
        expectBadData(() => codec.encode(new NetMessage(object)), fragment);
      });

      it('refuses an enum member of another value', () => {
        const car = Object.assign(new Car(), { mark: 7 });
        expectBadData(() => codec.encode(new NetMessage(car)), 'body.mark: expected enum CarMark, got number 7');
      });

      it('refuses a reference cycle with BadData instead of overflowing the stack', () => {
        const loop = new Chain();
        loop.next = loop;
        expectBadData(() => codec.encode(new NetMessage(loop)), 'nested deeper than 64 levels (maxDepth)', 'reference cycle');
      });

      it('refuses a t.json value that refers to itself with BadData', () => {
        const table: Record<string, unknown> = {};
        table['self'] = table;
        const object = Object.assign(everything(), { table });
        expectBadData(() => codec.encode(new NetMessage(object)), 'body.table.self.self', 'maxDepth');
      });

      it('writes nesting up to maxDepth and refuses one level more', () => {
        const shallow = new JsonCodec({ maxDepth: 3 });
        expect(shallow.encode(new NetMessage(chain(4), { uuid: UUID }))).toBe(withBody(chainJson(4)));
        expectBadData(() => shallow.encode(new NetMessage(chain(5))), 'body.next.next.next.next: nested deeper than 3 levels');
      });

      it('counts arrays of arrays of numbers as levels of nesting', () => {
        const shallow = new JsonCodec({ maxDepth: 2 });
        const matrix = Object.assign(new Matrix(), { rows: [[1, 2], [3]] });
        expect(shallow.encode(new NetMessage(matrix, { uuid: UUID }))).toBe(withBody('{"type": "Matrix", "rows": [[1, 2], [3]]}'));
        expectBadData(() => new JsonCodec({ maxDepth: 1 }).encode(new NetMessage(matrix)), 'body.rows[0]: nested deeper than 1 levels');
      });

      it('refuses classes registered only elsewhere when given its own registry', () => {
        const isolated = new JsonCodec({ registry: new Registry() });
        expectBadData(() => isolated.encode(new NetMessage(new Car())), 'body: cannot send an instance of Car');
      });
    });
  });

  describe('decode', () => {
    it('revives ford_truck.json as a FordTruck carrying a VolvoCar, methods and all', () => {
      const message = codec.decode(fixture('ford_truck.json'));
      expect(message).toBeInstanceOf(NetMessage);
      expect(message.uuid).toBe(UUID);
      expect(message.ignore).toEqual([]);
      const truck = message.object as FordTruck;
      expect(truck).toBeInstanceOf(FordTruck);
      expect(truck).toBeInstanceOf(Truc);
      expect(truck).toBeInstanceOf(Car);
      expect(truck.mark).toBe(CarMark.Ford);
      expect(truck.speed).toBe(20);
      expect(truck.trailer).toBeInstanceOf(TrucTrailer);
      expect(truck.trailer?.carCount).toBe(1);
      const inside = truck.trailer?.carInside as VolvoCar;
      expect(inside).toBeInstanceOf(VolvoCar);
      expect(inside).toBeInstanceOf(Car);
      expect(inside.mark).toBe(CarMark.Volvo);
      expect(inside.speed).toBe(35);
      expect(inside.wheels).toBe(4);
      expect(typeof truck.showInfo).toBe('function');
      expect(typeof inside.showInfo).toBe('function');
    });

    it('revives objects whose methods work', () => {
      const log = jest.spyOn(console, 'log').mockImplementation(() => {});
      try {
        (codec.decode(fixture('ford_truck.json')).object as FordTruck).showInfo();
        expect(log.mock.calls.map((call) => String(call[0]))).toEqual([
          'FordTruck\n speed:20, mark:CarMark.Ford, cars inside trailer:1',
          'car inside trailer info:',
          'VolvoCar\n wheels:4 speed:35, mark:CarMark.Volvo',
        ]);
      } finally {
        log.mockRestore();
      }
    });

    it('revives volvo_car.json as a VolvoCar', () => {
      const car = codec.decode(fixture('volvo_car.json')).object as VolvoCar;
      expect(car).toBeInstanceOf(VolvoCar);
      expect({ mark: car.mark, speed: car.speed, wheels: car.wheels }).toEqual({ mark: CarMark.Volvo, speed: 35, wheels: 4 });
    });

    it('revives car_defaults.json as a Car with null fields', () => {
      const car = codec.decode(fixture('car_defaults.json')).object as Car;
      expect(car).toBeInstanceOf(Car);
      expect(car).not.toBeInstanceOf(VolvoCar);
      expect(car.mark).toBeNull();
      expect(car.speed).toBeNull();
    });

    it('revives ford_truck_ignore_speed.json, keeping the constructors’ speeds where none was sent', () => {
      const truck = codec.decode(fixture('ford_truck_ignore_speed.json')).object as FordTruck;
      expect(truck).toBeInstanceOf(FordTruck);
      expect(truck.speed).toBe(10);
      expect(truck.trailer?.carInside).toBeInstanceOf(VolvoCar);
      expect(truck.trailer?.carInside?.speed).toBe(10);
      expect((truck.trailer?.carInside as VolvoCar).wheels).toBe(4);
      expect(truck.trailer?.carCount).toBe(1);
    });

    it('revives everything.json as an Everything with every field kind', () => {
      const object = codec.decode(fixture('everything.json')).object as Everything;
      expect(object).toBeInstanceOf(Everything);
      expect(object.flag).toBe(true);
      expect(object.count).toBe(-7);
      expect(object.ratio).toBe(2.5);
      expect(object.name).toBe('Привет "q"');
      expect(object.nothing).toBeNull();
      expect(object.numbers).toEqual([1, 2, 3]);
      expect(object.table).toEqual({ a: 1, b: [true, null] });
      expect(object.color).toBe(Color.Blue);
      expect(object.origin).toBeInstanceOf(Point);
      expect(object.origin?.x).toBe(1.5);
      expect(object.origin?.y).toBe(-2.0);
    });

    it.each(SEEDS)('re-encodes what it revived from %s to the same bytes', (name, _build, ignore) => {
      const message = codec.decode(fixture(name), ignore);
      expect(Buffer.from(codec.encode(message)).equals(fixture(name))).toBe(true);
    });

    it('reads a string as well as bytes', () => {
      const car = codec.decode(fixture('volvo_car.json').toString('utf8')).object;
      expect(car).toBeInstanceOf(VolvoCar);
      expect((car as VolvoCar).wheels).toBe(4);
    });

    it('reads a Uint8Array that is not a Buffer', () => {
      const bytes = new Uint8Array(fixture('car_defaults.json'));
      expect(codec.decode(bytes).object).toBeInstanceOf(Car);
    });

    it('keeps the initial values of fields the message leaves out', () => {
      const car = codec.decode(withBody('{"type": "VolvoCar"}')).object as VolvoCar;
      expect(car).toBeInstanceOf(VolvoCar);
      expect({ mark: car.mark, speed: car.speed, wheels: car.wheels }).toEqual({ mark: CarMark.Volvo, speed: 10, wheels: 4 });
    });

    it('reads an integer sent for a t.float field', () => {
      const point = codec.decode(withBody('{"type": "Point", "x": 3, "y": -0.5}')).object as Point;
      expect(point).toBeInstanceOf(Point);
      expect([point.x, point.y]).toEqual([3, -0.5]);
    });

    it('reads a subclass where its base class is declared', () => {
      const trailer = codec.decode(
        withBody('{"type": "TrucTrailer", "car_count": 2, "car_inside": {"type": "FordTruck", "speed": 7, "trailer": null}}'),
      ).object as TrucTrailer;
      expect(trailer.carInside).toBeInstanceOf(FordTruck);
      expect(trailer.carInside?.speed).toBe(7);
      expect((trailer.carInside as FordTruck).trailer).toBeNull();
    });

    describe('with ignore', () => {
      it('leaves a field out at every depth', () => {
        const message = codec.decode(fixture('ford_truck.json'), ['speed']);
        const truck = message.object as FordTruck;
        expect(message.ignore).toEqual(['speed']);
        expect(truck).toBeInstanceOf(FordTruck);
        expect(truck.speed).toBe(10); // FordTruck's default, not the 20 sent
        expect(truck.trailer?.carInside).toBeInstanceOf(VolvoCar);
        expect(truck.trailer?.carInside?.speed).toBe(10); // VolvoCar's default, not the 35 sent
        expect(truck.mark).toBe(CarMark.Ford);
        expect(truck.trailer?.carCount).toBe(1);
        expect((truck.trailer?.carInside as VolvoCar).wheels).toBe(4);
      });

      it('gives a message that re-encodes to the origin’s ignore fixture', () => {
        const message = codec.decode(fixture('ford_truck.json'), ['speed']);
        expect(Buffer.from(codec.encode(message)).equals(fixture('ford_truck_ignore_speed.json'))).toBe(true);
      });

      it('matches by wire name or by property name', () => {
        for (const name of ['car_inside', 'carInside']) {
          const truck = codec.decode(fixture('ford_truck.json'), [name]).object as FordTruck;
          expect(truck.trailer).toBeInstanceOf(TrucTrailer);
          expect(truck.trailer?.carInside).toBeNull();
          expect(truck.trailer?.carCount).toBe(1);
        }
      });

      it('skips an ignored key even when the class does not declare it', () => {
        const car = codec.decode(withBody('{"type": "Car", "colour": "red", "speed": 3}'), ['colour']).object as Car;
        expect(car).toBeInstanceOf(Car);
        expect(car.speed).toBe(3);
        expect(car).not.toHaveProperty('colour');
      });

      it('skips a bad value in an ignored field', () => {
        const car = codec.decode(withBody('{"type": "Car", "speed": "fast"}'), ['speed']).object as Car;
        expect(car.speed).toBeNull();
      });
    });

    describe('arrays of registered objects (beyond the origin)', () => {
      it('round-trips each element as its own subclass', () => {
        const garage = Object.assign(new Garage(), {
          cars: [new VolvoCar(35, 4), new FordTruck(20, new VolvoCar(1, 3), 1), null, Object.assign(new Car(), { speed: 12.5 })],
          grid: [[new Point(1, 2), new Point(-1.5, 0)], []],
        });
        const encoded = codec.encode(new NetMessage(garage, { uuid: UUID }));
        const back = codec.decode(encoded).object as Garage;
        expect(back).toBeInstanceOf(Garage);
        expect(back.cars).toHaveLength(4);
        expect(back.cars[0]).toBeInstanceOf(VolvoCar);
        expect((back.cars[0] as VolvoCar).wheels).toBe(4);
        expect(back.cars[1]).toBeInstanceOf(FordTruck);
        expect((back.cars[1] as FordTruck).trailer?.carInside).toBeInstanceOf(VolvoCar);
        expect((back.cars[1] as FordTruck).trailer?.carInside?.speed).toBe(1);
        expect(back.cars[2]).toBeNull();
        expect(back.cars[3]).toBeInstanceOf(Car);
        expect(back.cars[3]).not.toBeInstanceOf(VolvoCar);
        expect(back.cars[3]?.speed).toBe(12.5);
        expect(back.grid[0]?.[0]).toBeInstanceOf(Point);
        expect(back.grid[0]?.map((p) => [p.x, p.y])).toEqual([
          [1, 2],
          [-1.5, 0],
        ]);
        expect(back.grid[1]).toEqual([]);
        expect(codec.encode(new NetMessage(back, { uuid: UUID }))).toBe(encoded);
      });

      it('refuses an element of a class that does not extend the declared one, naming its index', () => {
        expectBadData(
          () => codec.decode(withBody('{"type": "Garage", "cars": [{"type": "Car"}, {"type": "TrucTrailer"}]}')),
          'body.cars[1]: expected Car, got TrucTrailer, which does not extend it',
        );
      });

      it('refuses a non-array for an array field', () => {
        expectBadData(
          () => codec.decode(withBody('{"type": "Garage", "cars": {"type": "Car"}}')),
          'body.cars: expected array<Car>, got an object of type "Car"',
        );
      });
    });

    describe('refusing bad data', () => {
      it('refuses an unknown class with BadData', () => {
        expectBadData(() => codec.decode(withBody('{"type": "Bicycle", "speed": 1}')), 'body: unknown class `Bicycle`', '@NetClass()');
      });

      it('refuses an unknown nested class, naming its path', () => {
        const text = fixture('ford_truck.json').toString('utf8').replace('"type": "VolvoCar"', '"type": "Bicycle"');
        expectBadData(() => codec.decode(text), 'body.trailer.car_inside: unknown class `Bicycle`');
      });

      it('refuses an enum name used as a class name', () => {
        expectBadData(() => codec.decode(withBody('{"type": "CarMark", "value": 1}')), 'unknown class `CarMark`');
      });

      it('refuses a field of the wrong type, naming its path', () => {
        const text = fixture('ford_truck.json').toString('utf8').replace('"speed": 35', '"speed": "fast"');
        expectBadData(() => codec.decode(text), 'body.trailer.car_inside.speed: expected number, got string "fast"');
      });

      it.each([
        ['a non-integer in a t.int field', '"count": 1.5', 'body.count: expected int, got number 1.5'],
        ['a string in a boolean field', '"flag": "true"', 'body.flag: expected boolean, got string "true"'],
        ['a number in a string field', '"name": 7', 'body.name: expected string, got number 7'],
        ['a value in a t.null field', '"nothing": false', 'body.nothing: expected null, got boolean false'],
        ['an object in an array of numbers', '"numbers": [1, {"a": 1}]', 'body.numbers[1]: expected number, got an object'],
        ['a string for an array', '"numbers": "123"', 'body.numbers: expected array<number>, got string "123"'],
        ['a string for a float', '"ratio": "2.5"', 'body.ratio: expected float, got string "2.5"'],
        ['an array for a class', '"origin": [1.5, -2.0]', 'body.origin: expected a Point object, got an array'],
        ['an object without type for a class', '"origin": {"x": 1.5}', 'body.origin: object has no "type"'],
        ['a bare enum value', '"color": "blue"', 'body.color: expected enum Color as {"type": "Color", "value": …}, got string "blue"'],
        ['an enum member of another enum', '"color": {"type": "CarMark", "value": 1}', 'body.color: expected enum Color'],
        ['an enum object without value', '"color": {"type": "Color"}', 'body.color: expected enum Color'],
        ['a value not a member of the enum', '"color": {"type": "Color", "value": "green"}', 'body.color: string "green" is not a member of enum Color'],
      ])('refuses %s with BadData', (_what, field, fragment) => {
        const text = withBody(`{"type": "Everything", ${field}}`);
        expectBadData(() => codec.decode(text), fragment);
      });

      it('refuses a numeric enum value that is not a member, or is a member name', () => {
        expectBadData(
          () => codec.decode(withBody('{"type": "Car", "mark": {"type": "CarMark", "value": 7}}')),
          'body.mark: number 7 is not a member of enum CarMark',
        );
        expectBadData(
          () => codec.decode(withBody('{"type": "Car", "mark": {"type": "CarMark", "value": "Ford"}}')),
          'body.mark: string "Ford" is not a member of enum CarMark',
        );
      });

      it('refuses a class that is not a subclass of the declared field type', () => {
        const text = fixture('ford_truck.json').toString('utf8').replace('"type": "TrucTrailer"', '"type": "VolvoCar"');
        expectBadData(() => codec.decode(text), 'body.trailer: expected TrucTrailer, got VolvoCar, which does not extend it');
        expectBadData(
          () => codec.decode(withBody('{"type": "TrucTrailer", "car_inside": {"type": "TrucTrailer"}}')),
          'body.car_inside: expected Car, got TrucTrailer, which does not extend it',
        );
        expectBadData(
          () => codec.decode(withBody('{"type": "FordTruck", "trailer": {"type": "Point", "x": 1.0}}')),
          'body.trailer: expected TrucTrailer, got Point',
        );
      });

      it('refuses an undeclared field with BadData', () => {
        expectBadData(() => codec.decode(withBody('{"type": "Car", "speed": 1, "colour": "red"}')), 'body: class Car has no field `colour`');
      });

      it('refuses a field by its property name when its wire name differs', () => {
        expectBadData(
          () => codec.decode(withBody('{"type": "TrucTrailer", "carCount": 1}')),
          'body: class TrucTrailer has no field `carCount`',
        );
      });

      it.each([
        ['malformed JSON', '{"head": {"uuid": "0123456789"}, "body": {"type": "Car"', 'message is not valid JSON'],
        ['an empty payload', '', 'message is not valid JSON'],
        ['a JSON array', '[1, 2]', 'a message is a JSON object {"head": …, "body": …}, got an array'],
        ['a JSON number', '42', 'got number 42'],
        ['a JSON string', '"hello"', 'got string "hello"'],
        ['JSON null', 'null', 'got null'],
        ['no head', '{"body": {"type": "Car"}}', 'message has no "head"'],
        ['no body', '{"head": {"uuid": "0123456789"}}', 'message has no "body"'],
        ['a head that is not an object', '{"head": "0123456789", "body": {"type": "Car"}}', 'message "head" must be an object, got string'],
        ['no head.uuid', '{"head": {}, "body": {"type": "Car"}}', 'message head has no "uuid"'],
        ['a uuid that is not a string', '{"head": {"uuid": 123}, "body": {"type": "Car"}}', 'message head "uuid" must be a string, got number 123'],
        ['a body that is not an object', '{"head": {"uuid": "0123456789"}, "body": 5}', 'body: expected an object, got number 5'],
        ['a body that is null', '{"head": {"uuid": "0123456789"}, "body": null}', 'body: expected an object, got null'],
        ['a body without type', '{"head": {"uuid": "0123456789"}, "body": {"speed": 1}}', 'body: object has no "type"'],
        ['a body whose type is not a string', '{"head": {"uuid": "0123456789"}, "body": {"type": 3}}', 'body: object has no "type"'],
      ])('refuses %s with BadData', (_what, text, fragment) => {
        expectBadData(() => codec.decode(text), fragment);
      });

      it('refuses bytes that are not UTF-8 with BadData', () => {
        const bytes = Buffer.concat([Buffer.from(withBody('{"type": "Car", "speed": 1}').slice(0, 20)), Buffer.from([0xff, 0xfe])]);
        expectBadData(() => codec.decode(bytes), 'message is not valid UTF-8');
      });

      it('refuses a class whose constructor needs arguments, with BadData', () => {
        expectBadData(() => codec.decode(withBody('{"type": "Needy", "label": "x"}')), 'cannot revive Needy', 'label is required');
      });

      it('refuses nesting deeper than maxDepth (64 by default) with BadData', () => {
        expect((codec.decode(withBody(chainJson(65))).object as Chain).next).toBeInstanceOf(Chain);
        expectBadData(() => codec.decode(withBody(chainJson(66))), 'nested deeper than 64 levels (maxDepth)');
        expectBadData(() => codec.decode(withBody(chainJson(5000))), 'nested deeper than 64 levels');
      });

      it('reads nesting up to a custom maxDepth and refuses one level more', () => {
        const shallow = new JsonCodec({ maxDepth: 3 });
        const back = shallow.decode(withBody(chainJson(4))).object as Chain;
        expect(back.next?.next?.next).toBeInstanceOf(Chain);
        expect(back.next?.next?.next?.n).toBe(3);
        expectBadData(() => shallow.decode(withBody(chainJson(5))), 'body.next.next.next.next: nested deeper than 3 levels');
      });

      it('counts arrays as levels of nesting', () => {
        const shallow = new JsonCodec({ maxDepth: 2 });
        expect(shallow.decode(withBody('{"type": "Garage", "cars": [{"type": "Car"}]}')).object).toBeInstanceOf(Garage);
        expectBadData(
          () => shallow.decode(withBody('{"type": "Garage", "grid": [[{"type": "Point"}]]}')),
          'body.grid[0][0]: nested deeper than 2 levels',
        );
      });

      it('counts arrays of arrays of numbers as levels of nesting', () => {
        const text = withBody('{"type": "Matrix", "rows": [[1, 2], [3]]}');
        expect((new JsonCodec({ maxDepth: 2 }).decode(text).object as Matrix).rows).toEqual([[1, 2], [3]]);
        expectBadData(() => new JsonCodec({ maxDepth: 1 }).decode(text), 'body.rows[0]: nested deeper than 1 levels');
      });

      it('refuses classes registered only elsewhere when given its own registry', () => {
        const isolated = new JsonCodec({ registry: new Registry() });
        expectBadData(() => isolated.decode(fixture('volvo_car.json')), 'body: unknown class `VolvoCar`');
      });
    });

    describe('keeping __proto__ and constructor keys out of objects', () => {
      afterEach(() => {
        // Whatever happened, nothing may have leaked onto Object.prototype.
        expect(Object.prototype).not.toHaveProperty('polluted');
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      });

      it('refuses a __proto__ key in the body as an undeclared field', () => {
        const text = withBody('{"type": "Car", "__proto__": {"polluted": true}, "speed": 1}');
        expectBadData(() => codec.decode(text), 'body: class Car has no field `__proto__`');
      });

      it('refuses a constructor key in a nested object as an undeclared field', () => {
        const text = withBody(
          '{"type": "FordTruck", "trailer": {"type": "TrucTrailer", "constructor": {"prototype": {"polluted": true}}}}',
        );
        expectBadData(() => codec.decode(text), 'body.trailer: class TrucTrailer has no field `constructor`');
      });

      it('refuses __proto__ even when it arrives before the type key', () => {
        const text = withBody('{"__proto__": {"type": "VolvoCar"}, "type": "Car"}');
        expectBadData(() => codec.decode(text), 'class Car has no field `__proto__`');
      });

      it('keeps a __proto__ key inside a t.json value as plain data, without changing any prototype', () => {
        const text = withBody('{"type": "Everything", "table": {"__proto__": {"polluted": true}, "a": 1}}');
        const object = codec.decode(text).object as Everything;
        expect(object).toBeInstanceOf(Everything);
        const table = object.table as Record<string, unknown>;
        expect(Object.getPrototypeOf(table)).toBe(Object.prototype);
        expect(Object.keys(table)).toEqual(['__proto__', 'a']);
        expect(table['a']).toBe(1);
      });
    });
  });

  describe('with originOnly', () => {
    it('still writes the origin fixtures byte for byte', () => {
      const origin = new JsonCodec({ originOnly: true });
      for (const [name, build, ignore] of SEEDS) {
        expect(Buffer.from(origin.encode(new NetMessage(build(), { uuid: UUID, ignore }))).equals(fixture(name))).toBe(true);
      }
    });

    it('refuses a list of objects, which the origin cannot read, with BadData', () => {
      const origin = new JsonCodec({ originOnly: true });
      const garage = Object.assign(new Garage(), { cars: [new Car()] });
      expectBadData(() => origin.encode(new NetMessage(garage)), 'body.cars', 'list of objects');
    });

    describe('refuses, naming the field, what the origin has no JSON form for', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Modern {
        @NetField(t.optional(t.date)) when?: Date;
        @NetField(t.optional(t.bigint)) big?: bigint;
        @NetField(t.optional(t.bytes)) raw?: Uint8Array;
        @NetField(t.optional(t.set(t.string))) tags?: Set<string>;
        @NetField(t.optional(t.map(String, t.number))) scores?: Map<string, number>;
      }
      @NetClass({ registry, references: true })
      class Node {
        @NetField(t.string) name = 'n';
      }
      const origin = new JsonCodec({ registry, originOnly: true });
      const cases: Array<[string, Partial<Modern>, string]> = [
        ['a Date', { when: new Date(0) }, "body.when: the origin's wire (oon 0.0.5) cannot carry a date value; send it over protocol 'oon'"],
        ['a bigint', { big: 1n }, 'body.big: the origin\'s wire (oon 0.0.5) cannot carry a bigint value'],
        ['bytes', { raw: new Uint8Array([1]) }, 'body.raw: the origin\'s wire (oon 0.0.5) cannot carry a bytes value'],
        ['a Set', { tags: new Set(['a']) }, 'body.tags: the origin\'s wire (oon 0.0.5) cannot carry a set<string> value'],
        ['a Map', { scores: new Map([['a', 1]]) }, 'body.scores: the origin\'s wire (oon 0.0.5) cannot carry a map<string, number> value'],
      ];

      it.each(cases)('%s', (_name, fields, message) => {
        expectBadData(() => origin.encode(new NetMessage(Object.assign(new Modern(), fields))), message);
      });

      it('sends the same fields when they are undefined: left out, the origin keeps its defaults', () => {
        expect(origin.encode(new NetMessage(new Modern(), { uuid: UUID }))).toBe(`{"head": {"uuid": "${UUID}"}, "body": {"type": "Modern"}}`);
      });

      it('refuses a class sent with references', () => {
        expectBadData(() => origin.encode(new NetMessage(new Node())), "body: the origin's wire (oon 0.0.5) cannot carry shared references (Node is sent with references)");
      });
    });
  });
});
