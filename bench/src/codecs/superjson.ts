/**
 * superjson with `registerClass` for every class: it keeps classes (by prototype, without
 * running constructors), Date, Set and Map, in JSON text plus a side table of types.
 */
import { parse, registerClass, stringify } from 'superjson';
import { Car, FordTruck, Fleet, Inspection, Truc, TrucTrailer, VolvoCar } from '../model';
import type { CodecContender } from './contender';

let registered = false;

function registerClasses(): void {
  if (registered) return;
  registered = true;
  for (const cls of [Car, VolvoCar, Truc, FordTruck, TrucTrailer, Inspection, Fleet]) registerClass(cls, { identifier: cls.name });
}

export const superjson: CodecContender = {
  name: 'superjson (registerClass)',
  group: 'peer',
  revives: true,
  create() {
    registerClasses();
    return {
      encode: (object) => Buffer.from(stringify(object)),
      decode: (bytes) => parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')),
    };
  },
};
