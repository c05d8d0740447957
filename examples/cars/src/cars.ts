/**
 * The seed's `cars.py`, decorated once. Both the server and the client import this
 * module, so both sides know the same classes. Wire names of fields keep the origin's
 * snake_case (`car_inside`), so this talks to a Python oon 0.0.5 peer byte for byte.
 */
import { NetClass, NetField, registerEnum, t } from '@oon/core';

export enum CarMark {
  Volvo = 0,
  Toyota = 1,
  Ford = 2,
}
registerEnum(CarMark, 'CarMark');

/** `CarMark.Ford`, as Python prints an enum member. */
export function formatMark(mark: CarMark | null): string {
  return mark === null ? 'None' : `CarMark.${CarMark[mark]}`;
}

@NetClass()
export class Car {
  @NetField(() => CarMark) mark: CarMark | null = null;
  @NetField(t.number) speed: number | null = null;

  /** Prints what the car is. */
  showInfo(): void {
    console.log(`Car\n speed:${this.speed}, mark:${formatMark(this.mark)}`);
  }
}

@NetClass()
export class TrucTrailer {
  @NetField(() => Car, { name: 'car_inside' }) carInside: Car | null = null;
  @NetField(t.number, { name: 'car_count' }) carCount: number | null = null;
}

@NetClass()
export class Truc extends Car {
  @NetField(() => TrucTrailer) trailer: TrucTrailer | null = null;
}

@NetClass()
export class VolvoCar extends Car {
  // A class-level default, as in the seed: sent although no one sets it.
  override mark: CarMark | null = CarMark.Volvo;
  @NetField() wheels: number;

  constructor(speed = 10, wheels = 4) {
    super();
    this.speed = speed;
    this.wheels = wheels;
  }

  override showInfo(): void {
    console.log(`VolvoCar\n wheels:${this.wheels} speed:${this.speed}, mark:${formatMark(this.mark)}`);
  }
}

@NetClass()
export class FordTruck extends Truc {
  override mark: CarMark | null = CarMark.Ford;

  constructor(speed = 10, car: Car | null = null, count = 0) {
    super();
    this.trailer = new TrucTrailer();
    this.speed = speed;
    this.trailer.carInside = car;
    this.trailer.carCount = count;
  }

  override showInfo(): void {
    console.log(`FordTruck\n speed:${this.speed}, mark:${formatMark(this.mark)}, cars inside trailer:${this.trailer?.carCount}`);
    console.log('car inside trailer info:');
    this.trailer?.carInside?.showInfo();
  }
}
