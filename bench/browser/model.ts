/**
 * The bench's small message as a page declares it: the seed's FordTruck carrying a
 * VolvoCar (examples/cars), with every field's type and every class's wire name given,
 * since esbuild emits no `design:type` and a minifier renames classes. The server side
 * uses examples/cars itself: the two agree in the handshake, as a page and its server do.
 */
import { NetClass, NetField, registerEnum, t } from '@oon/core';

/** The seed's car marks. */
export enum CarMark {
  Volvo = 0,
  Toyota = 1,
  Ford = 2,
}
registerEnum(CarMark, 'CarMark');

/** A car. */
@NetClass('Car')
export class Car {
  @NetField(() => CarMark) mark: CarMark | null = null;
  @NetField(t.number) speed: number | null = null;
}

/** What a truck pulls. */
@NetClass('TrucTrailer')
export class TrucTrailer {
  @NetField(() => Car, { name: 'car_inside' }) carInside: Car | null = null;
  @NetField(t.number, { name: 'car_count' }) carCount: number | null = null;
}

/** A car with a trailer. */
@NetClass('Truc')
export class Truc extends Car {
  @NetField(() => TrucTrailer) trailer: TrucTrailer | null = null;
}

/** A Volvo: four wheels unless told. */
@NetClass('VolvoCar')
export class VolvoCar extends Car {
  override mark: CarMark | null = CarMark.Volvo;
  @NetField(t.number) wheels: number;

  constructor(speed = 10, wheels = 4) {
    super();
    this.speed = speed;
    this.wheels = wheels;
  }
}

/** A Ford truck, with a car in its trailer. */
@NetClass('FordTruck')
export class FordTruck extends Truc {
  override mark: CarMark | null = CarMark.Ford;

  constructor(speed = 10, car: Car | null = null, count = 0) {
    super();
    this.trailer = new TrucTrailer();
    this.speed = speed;
    this.trailer.carInside = car;
    this.trailer.carCount = count;
  }
}

/** The bench's small graph, as bench/src/model.ts builds it. */
export function smallGraph(): FordTruck {
  return new FordTruck(20, new VolvoCar(35, 4), 1);
}

interface PlainCar {
  mark: CarMark | null;
  speed: number | null;
  wheels?: number;
  trailer?: { carInside: PlainCar | null; carCount: number | null } | null;
}

/** The hand-written mapping a JSON transport needs in the page (bench/src/transport/revive.ts does it for the server's classes). */
export function reviveTruck(plain: unknown): FordTruck {
  const p = plain as PlainCar;
  const truck = new FordTruck(p.speed ?? 10);
  truck.mark = p.mark;
  const trailer = p.trailer;
  if (trailer === null || trailer === undefined) truck.trailer = null;
  else {
    const inside = trailer.carInside;
    (truck.trailer as TrucTrailer).carInside = inside === null ? null : Object.assign(new VolvoCar(inside.speed ?? 10, inside.wheels), { mark: inside.mark });
    (truck.trailer as TrucTrailer).carCount = trailer.carCount;
  }
  return truck;
}
