/**
 * avsc (Avro) with a hand-written schema and a hand-written mapping between Avro
 * records and the classes. Fields whose class varies are Avro unions of the car
 * records, which avsc wraps as `{ VolvoCar: {...} }`.
 *
 * Two schemas, one mapping: `avsc + mapping` declares every field the model lets be
 * null as a `['null', T]` union (OON's model: every field nullable), while `avsc
 * (plain)` declares each as plain `T`, as an Avro user would for this model (issue 15),
 * and so only carries graphs without nulls: the small one.
 */
import { Type, type Schema } from 'avsc';
import { CarMark, Fleet, TrucTrailer, type Car, type Truc, type VolvoCar } from '../model';
import { carKind, inspectionsFromRecord, inspectionsToRecord, newCar, type CarKind, type PlainInspection } from './mapping';
import type { CodecContender, Root, RoundTrip } from './contender';

/** avsc's schema types are too narrow for union literals under exactOptionalPropertyTypes; the schema is checked by avsc at run time. */
type Loose = Record<string, unknown> | string | Loose[];
/** How a field the model lets be null is declared: a union with null, or the plain type. */
type Optional = (type: Loose) => Loose;
/** Avro unions do not nest: null joins a union's branches. */
const nullable: Optional = (type) => ['null', ...(Array.isArray(type) ? type : [type])];
const plain: Optional = (type) => type;

/** Named types in an order where each is defined before it is named (records may name themselves). */
function definitions(optional: Optional): Loose[] {
  const carFields: Loose[] = [
    { name: 'mark', type: optional('CarMark') },
    { name: 'speed', type: optional('double') },
  ];
  const trucFields = [...carFields, { name: 'trailer', type: optional('TrucTrailer') }];
  const fordTruck = { type: 'record', name: 'FordTruck', fields: trucFields };
  return [
    { type: 'enum', name: 'CarMark', symbols: ['Volvo', 'Toyota', 'Ford'] },
    { type: 'record', name: 'Car', fields: carFields },
    { type: 'record', name: 'VolvoCar', fields: [...carFields, { name: 'wheels', type: 'double' }] },
    {
      type: 'record',
      name: 'Truc',
      fields: [
        ...carFields,
        {
          name: 'trailer',
          type: optional({
            type: 'record',
            name: 'TrucTrailer',
            fields: [
              { name: 'car_inside', type: optional(['Car', 'VolvoCar', 'Truc', fordTruck]) },
              { name: 'car_count', type: optional('double') },
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
}

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

function typeOf(name: string, optional: Optional): Type {
  const registry: Record<string, Type> = {};
  for (const definition of definitions(optional)) Type.forSchema(definition as Schema, { registry, wrapUnions: 'auto' });
  return registry[name] as Type;
}

/** The bytes as the Buffer avsc reads, without a copy (the codecs here hand it a Buffer already). */
const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

function truckTrip(optional: Optional): RoundTrip {
  const type = typeOf('FordTruck', optional);
  return { encode: (object) => type.toBuffer(carToAvro(object as Car)), decode: (bytes) => carFromAvro('FordTruck', type.fromBuffer(asBuffer(bytes)) as AvroCar) };
}

/** avsc with OON's model as Avro: every field the model lets be null a union with null. */
export const avsc: CodecContender = {
  name: 'avsc + mapping',
  group: 'peer',
  revives: true,
  create(root: Root) {
    if (root === 'truck') return truckTrip(nullable);
    const type = typeOf('Fleet', nullable);
    return { encode: (object) => type.toBuffer(fleetToAvro(object as Fleet)), decode: (bytes) => fleetFromAvro(type.fromBuffer(asBuffer(bytes)) as AvroFleet) };
  },
};

/** avsc with the schema an Avro user would write: no null unions, so the small graph only. */
export const avscPlain: CodecContender = {
  name: 'avsc (plain)',
  group: 'peer',
  revives: true,
  roots: ['truck'],
  create: () => truckTrip(plain),
};
