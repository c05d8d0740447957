/** `JsonCodec.decode()`: the origin's messages revived as instances, and what it reads beyond them. */
import { NetMessage } from '@oon/core';
import { JsonCodec } from '@oon/wire';
import { Car, CarMark, FordTruck, Truc, TrucTrailer, VolvoCar } from '../../../examples/cars/src/cars';
import { Color, Everything, Point } from '../../../test/support/extra';
import { expectBadData } from '../../../test/support/expect-bad-data';
import { fixture, Garage, SEEDS, UUID, withBody } from './fixtures/json-codec';

describe('JsonCodec', () => {
  const codec = new JsonCodec();

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
  });
});
