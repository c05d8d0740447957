/**
 * class-transformer + JSON: `instanceToPlain` then `JSON.stringify`, and `JSON.parse`
 * then `plainToInstance`. Its mapping is its own decorators, applied here by hand to the
 * same classes (a user would write them on the classes): `@Type` for nested classes,
 * a discriminator for fields whose class varies.
 *
 * Note: with a discriminator, `instanceToPlain` writes `__type` onto the source objects;
 * main.ts gives each contender its own copy of the graph for that reason.
 */
import 'reflect-metadata';
import { instanceToPlain, plainToInstance, Type } from 'class-transformer';
import type { TypeOptions } from 'class-transformer';
import { Car, FordTruck, Fleet, Inspection, Truc, TrucTrailer, VolvoCar } from '../model';
import type { CodecContender } from './contender';

let mapped = false;

/** Declares the mapping once (class-transformer's metadata is global). */
function declareMapping(): void {
  if (mapped) return;
  mapped = true;
  const anyCar: TypeOptions = {
    discriminator: {
      property: '__type',
      subTypes: [
        { name: 'Car', value: Car },
        { name: 'VolvoCar', value: VolvoCar },
        { name: 'Truc', value: Truc },
        { name: 'FordTruck', value: FordTruck },
      ],
    },
    keepDiscriminatorProperty: false,
  };
  Type(() => TrucTrailer)(Truc.prototype, 'trailer');
  Type(() => Car, anyCar)(TrucTrailer.prototype, 'carInside');
  Type(() => Car, anyCar)(Fleet.prototype, 'cars');
  // Set and Map are told apart by their design:type, which @NetField makes TypeScript emit.
  Type(() => Date)(Fleet.prototype, 'updated');
  Type(() => String)(Fleet.prototype, 'tags');
  Type(() => Inspection)(Fleet.prototype, 'inspections');
  Type(() => Date)(Inspection.prototype, 'at');
}

export const classTransformer: CodecContender = {
  name: 'class-transformer + JSON',
  group: 'peer',
  revives: true,
  create(root) {
    declareMapping();
    const cls: new () => object = root === 'truck' ? FordTruck : Fleet;
    return {
      encode: (object) => Buffer.from(JSON.stringify(instanceToPlain(object))),
      decode: (bytes) => plainToInstance(cls, JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as object),
    };
  },
};
