/** Reviving and class checks (src/object-model.ts). */
import {
  BadDataError,
  createInstance,
  defaultRegistry,
  isSameOrSubclass,
  NetClass,
  Registry,
} from '@oon/core';
import { Car, CarMark, FordTruck, Truc, TrucTrailer, VolvoCar } from '../../../examples/cars/src/cars';
import { thrown } from '../../../test/support/expect-bad-data';

describe('createInstance', () => {
  it('builds the class with new Ctor(), so initializers and the constructor run', () => {
    const instance = createInstance(defaultRegistry.schemaOf(VolvoCar));
    expect(instance).toBeInstanceOf(VolvoCar);
    expect(instance).toMatchObject({ mark: CarMark.Volvo, speed: 10, wheels: 4 });
    const truck = createInstance(defaultRegistry.schemaOf(FordTruck)) as unknown as FordTruck;
    expect(truck.trailer).toBeInstanceOf(TrucTrailer);
    expect(typeof truck.showInfo).toBe('function');
  });

  it('wraps a constructor that throws without arguments as BadData', () => {
    const registry = new Registry();
    @NetClass({ registry })
    class Needy {
      constructor(required?: string) {
        if (required === undefined) throw new Error('required is missing');
      }
    }
    const err = thrown(() => createInstance(registry.schemaOf(Needy)));
    expect(err).toBeInstanceOf(BadDataError);
    expect((err as Error).message).toContain('cannot revive Needy');
    expect((err as Error).message).toContain('required is missing');
    expect((err as Error).message).toContain('no arguments');
    expect((err as Error).cause).toBeInstanceOf(Error);
  });
});

describe('isSameOrSubclass', () => {
  it('accepts the class itself and any subclass, at any depth', () => {
    expect(isSameOrSubclass(Car, Car)).toBe(true);
    expect(isSameOrSubclass(VolvoCar, Car)).toBe(true);
    expect(isSameOrSubclass(FordTruck, Car)).toBe(true);
    expect(isSameOrSubclass(FordTruck, Truc)).toBe(true);
  });

  it('refuses a base class, a sibling and an unrelated class', () => {
    expect(isSameOrSubclass(Car, VolvoCar)).toBe(false);
    expect(isSameOrSubclass(VolvoCar, FordTruck)).toBe(false);
    expect(isSameOrSubclass(TrucTrailer, Car)).toBe(false);
  });
});
