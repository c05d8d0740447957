/**
 * msgpackr with one `addExtension` per class: each class writes its fields as an array
 * and reads them back into `new Ctor()`. Dates are msgpackr's own timestamps, Maps stay
 * Maps (`mapsAsObjects: false`), and a Set travels as an array, rebuilt by hand.
 */
import { addExtension, Packr } from 'msgpackr';
import { Car, CarMark, FordTruck, Fleet, Inspection, Truc, TrucTrailer, VolvoCar } from '../model';
import type { CodecContender } from './contender';

type Fields = unknown[];

function readCar(car: Car, f: Fields): void {
  car.mark = f[0] as CarMark | null;
  car.speed = f[1] as number | null;
}

let added = false;

/** msgpackr matches the extension added last first, so base classes go first. */
function addExtensions(): void {
  if (added) return;
  added = true;
  addExtension({
    Class: Car,
    type: 1,
    write: (car: Car): Fields => [car.mark, car.speed],
    read: (f: Fields) => {
      const car = new Car();
      readCar(car, f);
      return car;
    },
  });
  addExtension({
    Class: VolvoCar,
    type: 2,
    write: (car: VolvoCar): Fields => [car.mark, car.speed, car.wheels],
    read: (f: Fields) => {
      const car = new VolvoCar();
      readCar(car, f);
      car.wheels = f[2] as number;
      return car;
    },
  });
  addExtension({
    Class: TrucTrailer,
    type: 3,
    write: (trailer: TrucTrailer): Fields => [trailer.carInside, trailer.carCount],
    read: (f: Fields) => {
      const trailer = new TrucTrailer();
      trailer.carInside = f[0] as Car | null;
      trailer.carCount = f[1] as number | null;
      return trailer;
    },
  });
  for (const [Class, type] of [
    [Truc, 4],
    [FordTruck, 5],
  ] as const) {
    addExtension({
      Class,
      type,
      write: (truc: Truc): Fields => [truc.mark, truc.speed, truc.trailer],
      read: (f: Fields) => {
        const truc = new Class();
        readCar(truc, f);
        truc.trailer = f[2] as TrucTrailer | null;
        return truc;
      },
    });
  }
  addExtension({
    Class: Inspection,
    type: 6,
    write: (i: Inspection): Fields => [i.at, i.station, i.passed, i.mileage],
    read: (f: Fields) => {
      const i = new Inspection();
      i.at = f[0] as Date;
      i.station = f[1] as string;
      i.passed = f[2] as boolean;
      i.mileage = f[3] as number;
      return i;
    },
  });
  addExtension({
    Class: Fleet,
    type: 7,
    write: (fleet: Fleet): Fields => [fleet.name, fleet.updated, fleet.cars, [...fleet.tags], fleet.inspections],
    read: (f: Fields) => {
      const fleet = new Fleet();
      fleet.name = f[0] as string;
      fleet.updated = f[1] as Date;
      fleet.cars = f[2] as Car[];
      fleet.tags = new Set(f[3] as string[]);
      fleet.inspections = f[4] as Map<string, Inspection>;
      return fleet;
    },
  });
}

export const msgpackr: CodecContender = {
  name: 'msgpackr (addExtension)',
  group: 'peer',
  revives: true,
  create() {
    addExtensions();
    const packr = new Packr({ mapsAsObjects: false, useRecords: false });
    return { encode: (object) => packr.pack(object), decode: (bytes) => packr.unpack(bytes) as unknown };
  },
};
