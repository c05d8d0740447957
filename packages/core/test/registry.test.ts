/** `Registry`: registering classes and enums, their names and revision, and the cars example's registry. Schemas are in schema-of.test.ts. */
import {
  BadDataError,
  defaultRegistry,
  describeType,
  NetClass,
  NetField,
  OonError,
  Registry,
  registerEnum,
  StartFailError,
  t,
  type FieldType,
} from '@oon/core';
import { Car, CarMark, FordTruck, Truc, TrucTrailer, VolvoCar } from '../../../examples/cars/src/cars';
import { thrown } from '../../../test/support/expect-bad-data';

enum Numeric {
  Zero,
  One,
  Five = 5,
}

enum Letters {
  A = 'a',
  B = 'b',
}

enum Mixed {
  Num = 1,
  Str = 'Num',
}

const AsConst = { Low: 'low', High: 'high', Top: 3 } as const;

describe('Registry', () => {
  describe('register', () => {
    it('maps a wire name to a class and back', () => {
      const registry = new Registry();
      class Car {}
      registry.register(Car);
      registry.register(class Truck {}, 'vehicles.Truck');
      expect(registry.classByName('Car')).toBe(Car);
      expect(registry.nameOf(Car)).toBe('Car');
      expect(registry.classByName('vehicles.Truck')?.name).toBe('Truck');
      expect(registry.classNames()).toEqual(['Car', 'vehicles.Truck']);
    });

    it('does nothing when the same class is registered again under the same name', () => {
      const registry = new Registry();
      class Car {}
      registry.register(Car);
      expect(() => registry.register(Car)).not.toThrow();
      expect(() => registry.register(Car, 'Car')).not.toThrow();
      expect(registry.classNames()).toEqual(['Car']);
    });

    it('refuses another class under a taken name with StartFail naming both classes', () => {
      const registry = new Registry();
      class Car {}
      class Bicycle {}
      registry.register(Car, 'Vehicle');
      const err = thrown(() => registry.register(Bicycle, 'Vehicle'));
      expect(err).toBeInstanceOf(StartFailError);
      expect((err as OonError).code).toBe('StartFail');
      expect((err as OonError).resultCode).toBe(1);
      expect((err as Error).message).toContain('wire name `Vehicle` is taken by class Car');
      expect((err as Error).message).toContain('so class Bicycle cannot have it');
      expect(registry.classByName('Vehicle')).toBe(Car);
      expect(registry.nameOf(Bicycle)).toBeUndefined();
    });

    it('refuses to give a registered class a second name with StartFail', () => {
      const registry = new Registry();
      class Car {}
      registry.register(Car);
      const err = thrown(() => registry.register(Car, 'Auto'));
      expect(err).toBeInstanceOf(StartFailError);
      expect((err as Error).message).toContain('class Car is already registered as `Car`');
      expect(registry.classByName('Auto')).toBeUndefined();
    });

    it('refuses a class name taken by an enum with StartFail', () => {
      const registry = new Registry();
      registry.registerEnum(Letters, 'Letters');
      const err = thrown(() => registry.register(class Letters {}));
      expect(err).toBeInstanceOf(StartFailError);
      expect((err as Error).message).toContain('wire name `Letters` is taken by enum Letters');
      expect(registry.classByName('Letters')).toBeUndefined();
    });

    it('keeps registries apart', () => {
      const a = new Registry();
      const b = new Registry();
      class Car {}
      a.register(Car);
      expect(a.classByName('Car')).toBe(Car);
      expect(b.classByName('Car')).toBeUndefined();
      expect(b.nameOf(Car)).toBeUndefined();
      expect(defaultRegistry.nameOf(Car)).toBeUndefined();
      expect(() => b.register(class Car {})).not.toThrow();
    });
  });

  describe('revision', () => {
    it('grows with each class or enum registered and each change of a class\'s options, and only then', () => {
      const registry = new Registry();
      class A {
        @NetField(t.int) n = 0;
      }
      const start = registry.revision;
      registry.register(A, 'A');
      const registered = registry.revision;
      registry.register(A, 'A');
      const again = registry.revision;
      registry.register(A, 'A', { aliases: ['OldA'] });
      const aliased = registry.revision;
      registry.register(A, 'A', { aliases: ['OldA'] });
      const aliasedAgain = registry.revision;
      registry.registerEnum({ On: 1 }, 'Switch');

      expect([registered - start, again - registered, aliased - again, aliasedAgain - aliased, registry.revision - aliasedAgain]).toEqual([1, 0, 1, 0, 1]);
    });

    it('builds a class\'s schema again once its options change', () => {
      const registry = new Registry();
      class A {
        @NetField(t.int) n = 0;
      }
      registry.register(A, 'A');
      expect(registry.schemaOf(A)).toMatchObject({ references: false, aliases: [] });

      registry.register(A, 'A', { references: true, aliases: ['OldA'] });

      expect(registry.schemaOf(A)).toMatchObject({ references: true, aliases: ['OldA'] });
    });
  });

  describe('registerEnum', () => {
    it('takes a numeric enum’s member values, leaving out the reverse mapping', () => {
      const registry = new Registry();
      registry.registerEnum(Numeric, 'Numeric');
      const type = registry.enumByName('Numeric');
      expect(type?.kind).toBe('enum');
      expect(type?.name).toBe('Numeric');
      expect(type?.object).toBe(Numeric);
      expect([...(type?.values ?? [])]).toEqual([0, 1, 5]);
      expect(type?.values.has('Zero')).toBe(false);
      expect(type?.values.has('Five')).toBe(false);
    });

    it('takes a string enum’s member values', () => {
      const registry = new Registry();
      registry.registerEnum(Letters, 'Letters');
      expect([...(registry.enumByName('Letters')?.values ?? [])]).toEqual(['a', 'b']);
    });

    it('takes both kinds of member of a mixed enum, even a string equal to a member name', () => {
      const registry = new Registry();
      registry.registerEnum(Mixed, 'Mixed');
      // Mixed is { Num: 1, '1': 'Num', Str: 'Num' }: the '1' entry is the reverse mapping.
      expect([...(registry.enumByName('Mixed')?.values ?? [])].sort()).toEqual([1, 'Num']);
    });

    it('takes an `as const` object’s values', () => {
      const registry = new Registry();
      registry.registerEnum(AsConst, 'Level');
      expect([...(registry.enumByName('Level')?.values ?? [])]).toEqual(['low', 'high', 3]);
    });

    it('does nothing when the same enum is registered again under the same name', () => {
      const registry = new Registry();
      registry.registerEnum(Letters, 'Letters');
      expect(() => registry.registerEnum(Letters, 'Letters')).not.toThrow();
      expect(registry.enumByName('Letters')?.object).toBe(Letters);
    });

    it('refuses a name taken by a class or another enum with StartFail', () => {
      const registry = new Registry();
      class Color {}
      registry.register(Color);
      registry.registerEnum(Letters, 'Letters');
      const byClass = thrown(() => registry.registerEnum(Numeric, 'Color'));
      expect(byClass).toBeInstanceOf(StartFailError);
      expect((byClass as Error).message).toContain('wire name `Color` is taken by class Color, so enum Color cannot have it');
      const byEnum = thrown(() => registry.registerEnum(Numeric, 'Letters'));
      expect(byEnum).toBeInstanceOf(StartFailError);
      expect((byEnum as Error).message).toContain('taken by enum Letters');
      expect(registry.enumByName('Letters')?.object).toBe(Letters);
      expect(registry.enumByName('Color')).toBeUndefined();
    });

    it('resolves fields typed with the enum to it', () => {
      const registry = new Registry();
      registry.registerEnum(Numeric, 'Numeric');
      @NetClass({ registry })
      class Holder {
        @NetField(() => Numeric) value: Numeric | null = null;
      }
      expect(registry.schemaOf(Holder).fields[0]?.type).toBe(registry.enumByName('Numeric'));
    });

    it('keeps enums apart between registries', () => {
      const registry = new Registry();
      registry.registerEnum(Letters, 'Letters');
      expect(new Registry().enumByName('Letters')).toBeUndefined();
      expect(defaultRegistry.enumByName('Letters')).toBeUndefined();
    });
  });

  describe('classByName, nameOf, enumByName, classNames', () => {
    it('answer undefined or empty for what is not registered', () => {
      const registry = new Registry();
      expect(registry.classByName('Car')).toBeUndefined();
      expect(registry.nameOf(class Car {})).toBeUndefined();
      expect(registry.enumByName('CarMark')).toBeUndefined();
      expect(registry.classNames()).toEqual([]);
    });

    it('keep classes and enums in one namespace without mixing them up', () => {
      const registry = new Registry();
      class Car {}
      registry.register(Car);
      registry.registerEnum(Letters, 'Letters');
      expect(registry.classByName('Letters')).toBeUndefined();
      expect(registry.enumByName('Car')).toBeUndefined();
      expect(registry.classNames()).toEqual(['Car']);
      expect(registry.enumNames()).toEqual(['Letters']);
    });
  });

  describe('schemas', () => {
    it('resolves every class now, in registration order, thunks included', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Garage {
        @NetField(() => [Part]) parts: Part[] = [];
      }
      @NetClass({ registry, name: 'shop.Part' })
      class Part {
        @NetField() label: string = '';
      }

      const schemas = registry.schemas();

      expect(schemas.map((s) => s.name)).toEqual(['Garage', 'shop.Part']);
      expect(schemas.map((s) => s.ctor)).toEqual([Garage, Part]);
      expect(describeType(schemas[0]?.fields[0]?.type as FieldType, (c) => registry.nameOf(c))).toBe('array<shop.Part>');
    });

    it('names the class and field whose type thunk throws, with the error as cause', () => {
      const registry = new Registry();
      const failure = new ReferenceError("Cannot access 'Owner' before initialization");
      @NetClass({ registry })
      class Car {
        @NetField(() => {
          throw failure;
        })
        owner: unknown = null;
      }
      void Car;

      const err = thrown(() => registry.schemas()) as BadDataError;

      expect(err).toBeInstanceOf(BadDataError);
      expect(err.message).toBe(
        "Car.owner: its type thunk threw (ReferenceError: Cannot access 'Owner' before initialization); every class or enum it names must be defined by the time the schema is first needed (at the first send or connect)",
      );
      expect(err.cause).toBe(failure);
    });
  });

  describe('on the cars example (default registry)', () => {
    it('registers every class of cars.ts and the CarMark enum', () => {
      expect(defaultRegistry.classByName('Car')).toBe(Car);
      expect(defaultRegistry.classByName('TrucTrailer')).toBe(TrucTrailer);
      expect(defaultRegistry.classByName('Truc')).toBe(Truc);
      expect(defaultRegistry.classByName('VolvoCar')).toBe(VolvoCar);
      expect(defaultRegistry.classByName('FordTruck')).toBe(FordTruck);
      expect([...(defaultRegistry.enumByName('CarMark')?.values ?? [])]).toEqual([0, 1, 2]);
    });

    it('gives FordTruck its inherited fields, base first, in the origin’s wire order', () => {
      const schema = defaultRegistry.schemaOf(FordTruck);
      expect(schema.fields.map((f) => f.key)).toEqual(['mark', 'speed', 'trailer']);
      expect(schema.fieldsByWireOrder.map((f) => f.wireName)).toEqual(['mark', 'speed', 'trailer']);
      expect(schema.fields.map((f) => describeType(f.type))).toEqual(['enum CarMark', 'number', 'TrucTrailer']);
    });

    it('gives VolvoCar the mark it only overrides, and its own wheels', () => {
      expect(defaultRegistry.schemaOf(VolvoCar).fieldsByWireOrder.map((f) => f.wireName)).toEqual(['mark', 'speed', 'wheels']);
      expect(defaultRegistry.schemaOf(VolvoCar).fieldByWireName.get('mark')?.type.kind).toBe('enum');
    });

    it('writes TrucTrailer’s snake_case wire names in sorted order', () => {
      const schema = defaultRegistry.schemaOf(TrucTrailer);
      expect(schema.fields.map((f) => [f.key, f.wireName])).toEqual([
        ['carInside', 'car_inside'],
        ['carCount', 'car_count'],
      ]);
      expect(schema.fieldsByWireOrder.map((f) => f.wireName)).toEqual(['car_count', 'car_inside']);
    });

    it('leaves CarMark’s names out of its values', () => {
      const values = defaultRegistry.enumByName('CarMark')?.values;
      expect(values?.has(CarMark.Ford)).toBe(true);
      expect(values?.has('Ford')).toBe(false);
    });
  });
});

describe('registerEnum', () => {
  it('registers in the default registry unless given one', () => {
    enum Weather {
      Sun = 'sun',
      Rain = 'rain',
    }
    registerEnum(Weather, 'Weather');
    expect(defaultRegistry.enumByName('Weather')?.object).toBe(Weather);

    const registry = new Registry();
    enum Season {
      Summer,
      Winter,
    }
    registerEnum(Season, 'Season', registry);
    expect(registry.enumByName('Season')?.values).toEqual(new Set([0, 1]));
    expect(defaultRegistry.enumByName('Season')).toBeUndefined();
  });
});
