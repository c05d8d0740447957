/**
 * The object graphs every codec round-trips: the seed's cars (examples/cars) plus two
 * bench classes that hold them, so medium and large graphs carry a mix of classes,
 * polymorphic fields, enums, nulls, strings, Date, Set and Map.
 */
import { NetClass, NetField, t } from '@oon/core';
import { Car, CarMark, FordTruck, Truc, TrucTrailer, VolvoCar } from '@oon/example-cars';

export { Car, CarMark, FordTruck, Truc, TrucTrailer, VolvoCar };

/** One inspection of a car: a Date-stamped record kept in a Map by plate. */
@NetClass('bench.Inspection')
export class Inspection {
  @NetField(t.date) at: Date = new Date(0);
  @NetField(t.string) station: string = '';
  @NetField(t.boolean) passed: boolean = false;
  @NetField(t.number) mileage: number = 0;
}

/** A fleet of mixed cars: the root of the medium and large graphs. */
@NetClass('bench.Fleet')
export class Fleet {
  @NetField(t.string) name: string = '';
  @NetField(t.date) updated: Date = new Date(0);
  @NetField(t.array(Car)) cars: Car[] = [];
  @NetField(() => t.set(String)) tags: Set<string> = new Set();
  @NetField(() => t.map(String, Inspection)) inspections: Map<string, Inspection> = new Map();
}

/** The three sizes the issue asks for. */
export type GraphSize = 'small' | 'medium' | 'large';

/** What each size holds. */
export const GRAPH_SIZES: Readonly<Record<GraphSize, { cars: number; what: string }>> = {
  small: { cars: 1, what: 'one FordTruck carrying a VolvoCar' },
  medium: { cars: 100, what: '100 mixed cars in a Fleet, with Date, Set and Map' },
  large: { cars: 10_000, what: '10,000 mixed cars in a Fleet, with Date, Set and Map' },
};

/** The small graph: the seed's FordTruck with a VolvoCar in its trailer. */
export function smallGraph(): FordTruck {
  return new FordTruck(20, new VolvoCar(35, 4), 1);
}

/** A deterministic pseudo-random sequence (mulberry32), so every run builds the same graphs. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** One car of four shapes in turn: a plain Car, a VolvoCar, a FordTruck with a car inside, an empty Truc. */
function mixedCar(i: number, next: () => number): Car {
  const speed = Math.round(next() * 200);
  switch (i % 4) {
    case 0: {
      const car = new Car();
      car.mark = CarMark.Toyota;
      car.speed = speed + 0.5;
      return car;
    }
    case 1:
      return new VolvoCar(speed, 4 + (i % 3) * 2);
    case 2:
      return new FordTruck(speed, new VolvoCar(Math.round(next() * 100), 4), 1);
    default: {
      const truc = new Truc();
      truc.mark = null;
      truc.speed = speed;
      truc.trailer = new TrucTrailer();
      truc.trailer.carCount = 0;
      return truc;
    }
  }
}

/** A fleet of `count` mixed cars, a tag per ten cars, and an inspection per four, by plate. */
export function fleetGraph(count: number): Fleet {
  const next = random(count);
  const fleet = new Fleet();
  fleet.name = `fleet of ${count}`;
  fleet.updated = new Date(Date.UTC(2026, 10, 27, 1, 2, 3, 456));
  for (let i = 0; i < count; i++) fleet.cars.push(mixedCar(i, next));
  for (let i = 0; i < count / 10; i++) fleet.tags.add(`tag-${i}`);
  for (let i = 0; i < count; i += 4) {
    const inspection = new Inspection();
    inspection.at = new Date(Date.UTC(2026, 0, 1) + Math.round(next() * 3e10));
    inspection.station = `station ${i % 7}`;
    inspection.passed = next() > 0.2;
    inspection.mileage = Math.round(next() * 2e5);
    fleet.inspections.set(`P-${String(i).padStart(5, '0')}`, inspection);
  }
  return fleet;
}

/** The graph of a size. */
export function graphOf(size: GraphSize): object {
  return size === 'small' ? smallGraph() : fleetGraph(GRAPH_SIZES[size].cars);
}
