/**
 * The hand-written parts that the peers without a class registry share: which of the
 * car classes an instance is, a fresh instance of a kind, and the Inspections of a
 * Fleet as a record of plain objects (Dates as milliseconds), as Avro and protobuf
 * maps carry them.
 */
import { Car, FordTruck, Inspection, Truc, VolvoCar } from '../model';

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

/** An Inspection with its Date as milliseconds. */
export interface PlainInspection {
  at: number;
  station: string;
  passed: boolean;
  mileage: number;
}

/** A Fleet's Inspections as a record by plate. */
export function inspectionsToRecord(inspections: ReadonlyMap<string, Inspection>): Record<string, PlainInspection> {
  const record: Record<string, PlainInspection> = {};
  for (const [plate, i] of inspections) record[plate] = { at: i.at.getTime(), station: i.station, passed: i.passed, mileage: i.mileage };
  return record;
}

/** The Inspections of a record by plate, revived. */
export function inspectionsFromRecord(record: Readonly<Record<string, PlainInspection>>): Map<string, Inspection> {
  const inspections = new Map<string, Inspection>();
  for (const plate in record) {
    const plain = record[plate] as PlainInspection;
    const i = new Inspection();
    i.at = new Date(plain.at);
    i.station = plain.station;
    i.passed = plain.passed;
    i.mileage = plain.mileage;
    inspections.set(plate, i);
  }
  return inspections;
}
