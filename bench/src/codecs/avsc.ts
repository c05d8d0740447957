/**
 * avsc (Avro) with a hand-written schema and a hand-written mapping between Avro
 * records and the classes. Fields whose class varies are Avro unions of the car
 * records, which avsc wraps as `{ VolvoCar: {...} }`.
 */
import { Type, type Schema } from 'avsc';
import { CarMark, Fleet, TrucTrailer, type Car, type Truc, type VolvoCar } from '../model';
import { carKind, inspectionsFromRecord, inspectionsToRecord, newCar, type CarKind, type PlainInspection } from './mapping';
import type { CodecContender, Root } from './contender';

/** avsc's schema types are too narrow for union literals under exactOptionalPropertyTypes; the schema is checked by avsc at run time. */
type Loose = Record<string, unknown> | string | Loose[];
const nullable = (type: Loose): Loose[] => ['null', type];
const CAR_FIELDS: Loose[] = [
  { name: 'mark', type: nullable('CarMark') },
  { name: 'speed', type: nullable('double') },
];
const TRUC_FIELDS = [...CAR_FIELDS, { name: 'trailer', type: nullable('TrucTrailer') }];

/** Named types in an order where each is defined before it is named (records may name themselves). */
const DEFINITIONS: Loose[] = [
  { type: 'enum', name: 'CarMark', symbols: ['Volvo', 'Toyota', 'Ford'] },
  { type: 'record', name: 'Car', fields: CAR_FIELDS },
  { type: 'record', name: 'VolvoCar', fields: [...CAR_FIELDS, { name: 'wheels', type: 'double' }] },
  {
    type: 'record',
    name: 'Truc',
    fields: [
      ...CAR_FIELDS,
      {
        name: 'trailer',
        type: nullable({
          type: 'record',
          name: 'TrucTrailer',
          fields: [
            { name: 'car_inside', type: ['null', 'Car', 'VolvoCar', 'Truc', { type: 'record', name: 'FordTruck', fields: TRUC_FIELDS }] },
            { name: 'car_count', type: nullable('double') },
          ],
        }),
      },
    ],
  },
  {
    type: 'record',
    name: 'Inspection',
    fields: [
      { name: 'at', type: 'long' },
      { name: 'station', type: 'string' },
      { name: 'passed', type: 'boolean' },
      { name: 'mileage', type: 'double' },
    ],
  },
  {
    type: 'record',
    name: 'Fleet',
    fields: [
      { name: 'name', type: 'string' },
      { name: 'updated', type: 'long' },
      { name: 'cars', type: { type: 'array', items: ['Car', 'VolvoCar', 'Truc', 'FordTruck'] } },
      { name: 'tags', type: { type: 'array', items: 'string' } },
      { name: 'inspections', type: { type: 'map', values: 'Inspection' } },
    ],
  },
];

interface AvroCar {
  mark: string | null;
  speed: number | null;
  wheels?: number;
  trailer?: AvroTrailer | null;
}
interface AvroTrailer {
  car_inside: Record<string, AvroCar> | null;
  car_count: number | null;
}
interface AvroFleet {
  name: string;
  updated: number;
  cars: Array<Record<string, AvroCar>>;
  tags: string[];
  inspections: Record<string, PlainInspection>;
}

function carToAvro(car: Car): AvroCar {
  const kind = carKind(car);
  const out: AvroCar = { mark: car.mark === null ? null : CarMark[car.mark], speed: car.speed };
  if (kind === 'VolvoCar') out.wheels = (car as VolvoCar).wheels;
  else if (kind === 'Truc' || kind === 'FordTruck') {
    const trailer = (car as Truc).trailer;
    out.trailer = trailer === null ? null : { car_inside: wrap(trailer.carInside), car_count: trailer.carCount };
  }
  return out;
}

function wrap(car: Car | null): Record<string, AvroCar> | null {
  return car === null ? null : { [carKind(car)]: carToAvro(car) };
}

function carFromAvro(kind: CarKind, avro: AvroCar): Car {
  const car = newCar(kind);
  car.mark = avro.mark === null ? null : CarMark[avro.mark as keyof typeof CarMark];
  car.speed = avro.speed;
  if (kind === 'VolvoCar') (car as VolvoCar).wheels = avro.wheels as number;
  else if (kind === 'Truc' || kind === 'FordTruck') {
    const trailer = avro.trailer;
    (car as Truc).trailer = trailer == null ? null : trailerFromAvro(trailer);
  }
  return car;
}

function trailerFromAvro(avro: AvroTrailer): TrucTrailer {
  const trailer = new TrucTrailer();
  trailer.carInside = unwrap(avro.car_inside);
  trailer.carCount = avro.car_count;
  return trailer;
}

function unwrap(union: Record<string, AvroCar> | null): Car | null {
  if (union === null) return null;
  for (const kind in union) return carFromAvro(kind as CarKind, union[kind] as AvroCar);
  return null;
}

function fleetToAvro(fleet: Fleet): AvroFleet {
  return {
    name: fleet.name,
    updated: fleet.updated.getTime(),
    cars: fleet.cars.map((car) => ({ [carKind(car)]: carToAvro(car) })),
    tags: [...fleet.tags],
    inspections: inspectionsToRecord(fleet.inspections),
  };
}

function fleetFromAvro(avro: AvroFleet): Fleet {
  const fleet = new Fleet();
  fleet.name = avro.name;
  fleet.updated = new Date(avro.updated);
  fleet.cars = avro.cars.map((union) => unwrap(union) as Car);
  fleet.tags = new Set(avro.tags);
  fleet.inspections = inspectionsFromRecord(avro.inspections);
  return fleet;
}

function typeOf(name: string): Type {
  const registry: Record<string, Type> = {};
  for (const definition of DEFINITIONS) Type.forSchema(definition as Schema, { registry, wrapUnions: 'auto' });
  return registry[name] as Type;
}

export const avsc: CodecContender = {
  name: 'avsc + mapping',
  group: 'peer',
  revives: true,
  create(root: Root) {
    if (root === 'truck') {
      const type = typeOf('FordTruck');
      return { encode: (object) => type.toBuffer(carToAvro(object as Car)), decode: (bytes) => carFromAvro('FordTruck', type.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as AvroCar) };
    }
    const type = typeOf('Fleet');
    return { encode: (object) => type.toBuffer(fleetToAvro(object as Fleet)), decode: (bytes) => fleetFromAvro(type.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as AvroFleet) };
  },
};
