/**
 * protobufjs with the .proto a protobuf user would write for the small object (issue 15):
 * plain proto3 scalars (no `optional`, so no presence to map to null), and the car in
 * a trailer a oneof in the trailer itself, not a wrapper message. Without nulls it only
 * carries graphs that have none: the small graph. The deep check guards that.
 */
import { parse, type Type } from 'protobufjs';
import { TrucTrailer, type Car, type CarMark, type Truc, type VolvoCar } from '../model';
import { carKind, newCar, type CarKind } from './mapping';
import { ONEOF } from './protobuf';
import type { CodecContender } from './contender';

const PROTO = `
syntax = "proto3";
package plain;
enum CarMark { Volvo = 0; Toyota = 1; Ford = 2; }
message Car { CarMark mark = 1; double speed = 2; }
message VolvoCar { CarMark mark = 1; double speed = 2; double wheels = 3; }
message TrucTrailer { oneof car_inside { Car car = 1; VolvoCar volvo = 2; Truc truc = 3; FordTruck ford = 4; } double car_count = 5; }
message Truc { CarMark mark = 1; double speed = 2; TrucTrailer trailer = 3; }
message FordTruck { CarMark mark = 1; double speed = 2; TrucTrailer trailer = 3; }
`;

type Member = (typeof ONEOF)[CarKind];
/** The car kind of each oneof member. */
const KIND: Readonly<Record<Member, CarKind>> = { car: 'Car', volvo: 'VolvoCar', truc: 'Truc', ford: 'FordTruck' };

interface PbCar {
  mark: number;
  speed: number;
  wheels?: number;
  trailer?: PbTrailer;
}
/** `carInside` names the member that is set (protobufjs's virtual oneof field on decoded messages). */
type PbTrailer = { [member in Member]?: PbCar } & { carInside?: Member; carCount: number };

function carToPb(car: Car): PbCar {
  const out: PbCar = { mark: car.mark as CarMark, speed: car.speed as number };
  const kind = carKind(car);
  if (kind === 'VolvoCar') out.wheels = (car as VolvoCar).wheels;
  else if (kind === 'Truc' || kind === 'FordTruck') {
    const trailer = (car as Truc).trailer as TrucTrailer;
    const inside = trailer.carInside as Car;
    out.trailer = { [ONEOF[carKind(inside)]]: carToPb(inside), carCount: trailer.carCount as number };
  }
  return out;
}

function carFromPb(kind: CarKind, pb: PbCar): Car {
  const car = newCar(kind);
  car.mark = pb.mark;
  car.speed = pb.speed;
  if (kind === 'VolvoCar') (car as VolvoCar).wheels = pb.wheels as number;
  else if (kind === 'Truc' || kind === 'FordTruck') {
    const pbTrailer = pb.trailer as PbTrailer;
    const member = pbTrailer.carInside as Member;
    const trailer = new TrucTrailer();
    trailer.carInside = carFromPb(KIND[member], pbTrailer[member] as PbCar);
    trailer.carCount = pbTrailer.carCount;
    (car as Truc).trailer = trailer;
  }
  return car;
}

/** protobufjs with the plain .proto above, on the small graph only. */
export const protobufPlain: CodecContender = {
  name: 'protobufjs (plain)',
  group: 'peer',
  revives: true,
  roots: ['truck'],
  create() {
    const type: Type = parse(PROTO).root.lookupType('plain.FordTruck');
    return { encode: (object) => type.encode(carToPb(object as Car)).finish(), decode: (bytes) => carFromPb('FordTruck', type.decode(bytes) as unknown as PbCar) };
  },
};
