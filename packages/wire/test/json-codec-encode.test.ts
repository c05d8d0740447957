/** `JsonCodec.encode()`: the origin's bytes, what it adds beyond them, and what it refuses to send. */
import { NetMessage, Registry } from '@oon/core';
import { JsonCodec } from '@oon/wire';
import { Car, FordTruck, TrucTrailer, VolvoCar } from '../../../examples/cars/src/cars';
import { Everything, Point } from '../../../test/support/extra';
import { expectBadData } from '../../../test/support/expect-bad-data';
import { Chain, chain, chainJson, everything, fixture, Garage, Matrix, SEEDS, Stray, UUID, withBody } from './fixtures/json-codec';

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
});
