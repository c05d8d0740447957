/**
 * protobufjs with a hand-written .proto and a hand-written mapping between its messages
 * and the classes. A field whose class varies is an `AnyCar` message with a oneof.
 * Nullable scalars are proto3 `optional`.
 */
import { parse, type Type } from 'protobufjs';
import { CarMark, Fleet, TrucTrailer, type Car, type Truc, type VolvoCar } from '../model';
import { carKind, inspectionsFromRecord, inspectionsToRecord, newCar, type CarKind, type PlainInspection } from './mapping';
import type { CodecContender, Root } from './contender';

const PROTO = `
syntax = "proto3";
package bench;
enum CarMark { Volvo = 0; Toyota = 1; Ford = 2; }
message Car { optional CarMark mark = 1; optional double speed = 2; }
message VolvoCar { optional CarMark mark = 1; optional double speed = 2; double wheels = 3; }
message TrucTrailer { AnyCar car_inside = 1; optional double car_count = 2; }
message Truc { optional CarMark mark = 1; optional double speed = 2; TrucTrailer trailer = 3; }
message FordTruck { optional CarMark mark = 1; optional double speed = 2; TrucTrailer trailer = 3; }
message AnyCar { oneof kind { Car car = 1; VolvoCar volvo = 2; Truc truc = 3; FordTruck ford = 4; } }
message Inspection { double at = 1; string station = 2; bool passed = 3; double mileage = 4; }
message Fleet { string name = 1; double updated = 2; repeated AnyCar cars = 3; repeated string tags = 4; map<string, Inspection> inspections = 5; }
`;

/** The oneof member of `AnyCar` (and of the plain `TrucTrailer`) for each car kind. */
export const ONEOF: Readonly<Record<CarKind, 'car' | 'volvo' | 'truc' | 'ford'>> = { Car: 'car', VolvoCar: 'volvo', Truc: 'truc', FordTruck: 'ford' };

interface PbCar {
  mark?: number | null;
  speed?: number | null;
  wheels?: number;
  trailer?: PbTrailer | null;
}
interface PbTrailer {
  carInside?: PbAnyCar | null;
  carCount?: number | null;
}
type PbAnyCar = { car?: PbCar; volvo?: PbCar; truc?: PbCar; ford?: PbCar; kind?: string };
interface PbFleet {
  name: string;
  updated: number;
  cars: PbAnyCar[];
  tags: string[];
  inspections: Record<string, PlainInspection>;
}

function carToPb(car: Car): PbCar {
  const out: PbCar = {};
  // proto3 optional: a null is an absent field.
  if (car.mark !== null) out.mark = car.mark;
  if (car.speed !== null) out.speed = car.speed;
  const kind = carKind(car);
  if (kind === 'VolvoCar') out.wheels = (car as VolvoCar).wheels;
  else if (kind === 'Truc' || kind === 'FordTruck') {
    const trailer = (car as Truc).trailer;
    if (trailer !== null) {
      const pb: PbTrailer = {};
      if (trailer.carInside !== null) pb.carInside = anyCarToPb(trailer.carInside);
      if (trailer.carCount !== null) pb.carCount = trailer.carCount;
      out.trailer = pb;
    }
  }
  return out;
}

function anyCarToPb(car: Car): PbAnyCar {
  return { [ONEOF[carKind(car)]]: carToPb(car) };
}

const has = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

function carFromPb(kind: CarKind, pb: PbCar): Car {
  const car = newCar(kind);
  car.mark = has(pb, 'mark') ? (pb.mark as CarMark) : null;
  car.speed = has(pb, 'speed') ? (pb.speed as number) : null;
  if (kind === 'VolvoCar') (car as VolvoCar).wheels = pb.wheels as number;
  else if (kind === 'Truc' || kind === 'FordTruck') {
    const trailer = has(pb, 'trailer') ? (pb.trailer as PbTrailer) : null;
    (car as Truc).trailer = trailer === null ? null : trailerFromPb(trailer);
  }
  return car;
}

function trailerFromPb(pb: PbTrailer): TrucTrailer {
  const trailer = new TrucTrailer();
  trailer.carInside = has(pb, 'carInside') ? anyCarFromPb(pb.carInside as PbAnyCar) : null;
  trailer.carCount = has(pb, 'carCount') ? (pb.carCount as number) : null;
  return trailer;
}

function anyCarFromPb(pb: PbAnyCar): Car {
  if (pb.ford !== undefined && pb.ford !== null) return carFromPb('FordTruck', pb.ford);
  if (pb.volvo !== undefined && pb.volvo !== null) return carFromPb('VolvoCar', pb.volvo);
  if (pb.truc !== undefined && pb.truc !== null) return carFromPb('Truc', pb.truc);
  return carFromPb('Car', pb.car as PbCar);
}

function fleetToPb(fleet: Fleet): PbFleet {
  // Dates as double milliseconds: int64 would come back as Long objects (protobufjs depends on long).
  return { name: fleet.name, updated: fleet.updated.getTime(), cars: fleet.cars.map(anyCarToPb), tags: [...fleet.tags], inspections: inspectionsToRecord(fleet.inspections) };
}

function fleetFromPb(pb: PbFleet): Fleet {
  const fleet = new Fleet();
  fleet.name = pb.name;
  fleet.updated = new Date(pb.updated);
  fleet.cars = pb.cars.map(anyCarFromPb);
  fleet.tags = new Set(pb.tags);
  fleet.inspections = inspectionsFromRecord(pb.inspections);
  return fleet;
}

let root: ReturnType<typeof parse>['root'] | undefined;
function messageType(name: string): Type {
  root ??= parse(PROTO).root;
  return root.lookupType(`bench.${name}`);
}

/** protobufjs with OON's model as proto3: every field the model lets be null `optional`. */
export const protobuf: CodecContender = {
  name: 'protobufjs + mapping',
  group: 'peer',
  revives: true,
  create(rootClass: Root) {
    if (rootClass === 'truck') {
      const type = messageType('FordTruck');
      return { encode: (object) => type.encode(carToPb(object as Car)).finish(), decode: (bytes) => carFromPb('FordTruck', type.decode(bytes) as PbCar) };
    }
    const type = messageType('Fleet');
    return { encode: (object) => type.encode(fleetToPb(object as Fleet)).finish(), decode: (bytes) => fleetFromPb(type.decode(bytes) as unknown as PbFleet) };
  },
};
