/**
 * The hand-written part every peer without a class registry needs: which of the car
 * classes an instance is, and a fresh instance of a kind.
 */
import { Car, FordTruck, Truc, VolvoCar } from '../model';

/** The concrete car classes, by the names the peers' schemas use. */
export const CAR_KINDS = ['Car', 'VolvoCar', 'Truc', 'FordTruck'] as const;
export type CarKind = (typeof CAR_KINDS)[number];

/** The kind of a car instance, by its exact class. */
export function carKind(car: Car): CarKind {
  switch (car.constructor) {
    case FordTruck:
      return 'FordTruck';
    case Truc:
      return 'Truc';
    case VolvoCar:
      return 'VolvoCar';
    case Car:
      return 'Car';
    default:
      throw new TypeError(`not a car class the bench maps: ${car.constructor.name}`);
  }
}

/** A new instance of a kind, built as OON builds it: `new Ctor()`. */
export function newCar(kind: CarKind): Car {
  switch (kind) {
    case 'FordTruck':
      return new FordTruck();
    case 'Truc':
      return new Truc();
    case 'VolvoCar':
      return new VolvoCar();
    case 'Car':
      return new Car();
  }
}
