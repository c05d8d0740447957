import {
  BadDataError,
  createInstance,
  defaultRegistry,
  describeType,
  isSameOrSubclass,
  isTypeDescriptor,
  NetClass,
  NetField,
  NetMessage,
  newMessageId,
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

  describe('schemaOf', () => {
    it.each([
      ['() => Object', () => Object],
      ['() => [Object]', () => [Object]],
      ['() => t.map(String, Object)', () => t.map(String, Object)],
    ])('refuses a field declared %s, saying what to declare instead', (_, type) => {
      const registry = new Registry();
      @NetClass({ registry })
      class Box {
        @NetField(type) payload: unknown = null;
      }

      const err = thrown(() => registry.schemaOf(Box)) as BadDataError;

      expect(err).toBeInstanceOf(BadDataError);
      expect(err.message).toBe(
        'Box.payload: Object is not a type OON can send (it says nothing of what the field holds, so two schemas cannot agree on it); declare t.json for plain JSON data, or the @NetClass class its values are, as in () => Car (registered subclasses of it travel too)',
      );
    });

    /** A plain base class (fields, no @NetClass) and a subclass of it registered in `registry`. */
    function vehicles(registry: Registry) {
      class Vehicle {
        @NetField(t.int) wheels = 4;
      }
      @NetClass({ registry, name: 'Bike' })
      class Bike extends Vehicle {}
      return { Vehicle, Bike };
    }
    const UNREGISTERED_VEHICLE =
      "class Vehicle is not registered, and a peer's schema names registered classes only, so two schemas cannot agree on the field; register Vehicle with @NetClass in the same registry (its registered subclasses still travel as themselves), or declare the @NetClass class its values are";

    it.each([
      ['() => Vehicle', (v: Function) => () => v],
      ['() => [Vehicle]', (v: Function) => () => [v]],
      ['() => t.map(String, t.optional(Vehicle))', (v: Function) => () => t.map(String, t.optional(v as never))],
    ])('refuses a field declared %s when Vehicle is a plain base class, naming it and saying what to do', (_, type) => {
      const registry = new Registry();
      const { Vehicle } = vehicles(registry);
      @NetClass({ registry })
      class Garage {
        @NetField(type(Vehicle) as () => never) vehicle: unknown = null;
      }

      const err = thrown(() => registry.schemaOf(Garage)) as BadDataError;

      expect(err).toBeInstanceOf(BadDataError);
      expect(err.message).toBe(`Garage.vehicle: ${UNREGISTERED_VEHICLE}`);
    });

    it('refuses a plain base class read from design:type, and one registered only in another registry', () => {
      const registry = new Registry();
      class Vehicle {
        @NetField(t.int) wheels = 4;
      }
      @NetClass({ registry })
      class Garage {
        @NetField() vehicle: Vehicle = new Vehicle();
      }
      const other = new Registry();
      other.register(Vehicle, 'Vehicle');
      @NetClass({ registry: other })
      class Shed {
        @NetField(() => Garage) garage: Garage | null = null;
      }

      expect((thrown(() => registry.schemaOf(Garage)) as BadDataError).message).toBe(`Garage.vehicle: ${UNREGISTERED_VEHICLE}`);
      expect((thrown(() => other.schemaOf(Shed)) as BadDataError).message).toBe(
        "Shed.garage: class Garage is not registered, and a peer's schema names registered classes only, so two schemas cannot agree on the field; register Garage with @NetClass in the same registry (its registered subclasses still travel as themselves), or declare the @NetClass class its values are",
      );
    });

    it('takes a field of a base class once the base is registered too', () => {
      const registry = new Registry();
      const { Vehicle, Bike } = vehicles(registry);
      registry.register(Vehicle, 'Vehicle');
      @NetClass({ registry })
      class Garage {
        @NetField(() => Vehicle) vehicle: unknown = null;
      }

      expect(registry.schemaOf(Garage).fields[0]?.type).toEqual({ kind: 'class', ctor: Vehicle });
      expect(registry.schemaOf(Bike).fields.map((f) => f.key)).toEqual(['wheels']);
    });

    it('gives the wire name, the class and the fields in declaration order', () => {
      const registry = new Registry();
      @NetClass({ registry, name: 'shop.Item' })
      class Item {
        @NetField() title: string = '';
        @NetField(t.float) price = 0;
      }
      const schema = registry.schemaOf(Item);
      expect(schema.name).toBe('shop.Item');
      expect(schema.ctor).toBe(Item);
      expect(schema.fields).toEqual([
        { key: 'title', wireName: 'title', type: { kind: 'string' }, aliases: [] },
        { key: 'price', wireName: 'price', type: { kind: 'float' }, aliases: [] },
      ]);
    });

    it('sorts fieldsByWireOrder by wire name as Python sorts (by character, not locale)', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Sorted {
        @NetField(t.number, { name: 'zeta' }) a = 0;
        @NetField(t.number, { name: 'Zeta' }) b = 0;
        @NetField(t.number, { name: 'alpha' }) c = 0;
        @NetField(t.number, { name: '_under' }) d = 0;
        @NetField(t.number, { name: 'émile' }) e = 0;
        @NetField(t.number, { name: 'car_inside' }) f = 0;
        @NetField(t.number, { name: 'car_count' }) g = 0;
        @NetField(t.number, { name: 'B2' }) h = 0;
        @NetField(t.number, { name: 'B10' }) i = 0;
      }
      const schema = registry.schemaOf(Sorted);
      // python3 -c 'print(sorted(["zeta","Zeta","alpha","_under","émile","car_inside","car_count","B2","B10"]))'
      expect(schema.fieldsByWireOrder.map((f) => f.wireName)).toEqual([
        'B10',
        'B2',
        'Zeta',
        '_under',
        'alpha',
        'car_count',
        'car_inside',
        'zeta',
        'émile',
      ]);
      // Declaration order is kept apart.
      expect(schema.fields.map((f) => f.key)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    });

    it('sorts wire names beyond U+FFFF after U+E000..U+FFFF, by code point as Python does', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Wide {
        @NetField(t.number, { name: 'x\uffff' }) a = 0;
        @NetField(t.number, { name: 'x\u{1F600}' }) b = 0;
        @NetField(t.number, { name: 'x\ue000' }) c = 0;
        @NetField(t.number, { name: 'x\ud7ff' }) d = 0;
        @NetField(t.number, { name: 'x\u{10000}' }) e = 0;
        @NetField(t.number, { name: 'xz' }) f = 0;
      }
      // python3 -c 'print([n.encode("unicode_escape") for n in sorted(
      //   ["x\uffff", "x\U0001F600", "x\ue000", "x\ud7ff", "x\U00010000", "xz"])])'
      expect(registry.schemaOf(Wide).fieldsByWireOrder.map((f) => f.key)).toEqual(['f', 'd', 'c', 'a', 'e', 'b']);
    });

    it('sorts inherited and own fields together on the wire', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Base {
        @NetField(t.number) speed = 0;
        @NetField(t.number) mark = 0;
      }
      @NetClass({ registry })
      class Derived extends Base {
        @NetField(t.number) wheels = 0;
        @NetField(t.number) axle = 0;
      }
      const schema = registry.schemaOf(Derived);
      expect(schema.fields.map((f) => f.key)).toEqual(['speed', 'mark', 'wheels', 'axle']);
      expect(schema.fieldsByWireOrder.map((f) => f.key)).toEqual(['axle', 'mark', 'speed', 'wheels']);
    });

    it('indexes fields by wire name', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Trailer {
        @NetField(t.number, { name: 'car_count' }) carCount = 0;
      }
      const schema = registry.schemaOf(Trailer);
      expect(schema.fieldByWireName.get('car_count')).toBe(schema.fields[0]);
      expect(schema.fieldByWireName.get('carCount')).toBeUndefined();
    });

    it('builds a schema once and returns the same frozen one after', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Car {
        @NetField(t.number) speed = 0;
      }
      const schema = registry.schemaOf(Car);
      expect(registry.schemaOf(Car)).toBe(schema);
      expect(Object.isFrozen(schema)).toBe(true);
      expect(Object.isFrozen(schema.fields)).toBe(true);
      expect(Object.isFrozen(schema.fields[0])).toBe(true);
      expect(Object.isFrozen(schema.fieldsByWireOrder)).toBe(true);
    });

    it('gives a registered class with no fields an empty schema', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Empty {}
      expect(registry.schemaOf(Empty).fields).toEqual([]);
      expect(registry.schemaOf(Empty).fieldsByWireOrder).toEqual([]);
    });

    it('refuses an unregistered class with BadData', () => {
      const registry = new Registry();
      class Stray {
        @NetField(t.number) speed = 0;
      }
      const err = thrown(() => registry.schemaOf(Stray));
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as OonError).code).toBe('BadData');
      expect((err as Error).message).toContain('class Stray is not registered');
      expect((err as Error).message).toContain('@NetClass()');
    });

    it('refuses a class registered in another registry with BadData', () => {
      const other = new Registry();
      @NetClass({ registry: other })
      class Elsewhere {}
      const err = thrown(() => new Registry().schemaOf(Elsewhere));
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as Error).message).toContain('class Elsewhere is not registered');
    });

    it('refuses a field typed with an enum registered only in another registry, with BadData', () => {
      const other = new Registry();
      other.registerEnum(Letters, 'Letters');
      const registry = new Registry();
      @NetClass({ registry })
      class Holder {
        @NetField(() => Letters) letter: Letters | null = null;
      }
      const err = thrown(() => registry.schemaOf(Holder));
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as Error).message).toContain('Holder.letter');
      expect((err as Error).message).toContain('not a registered enum');
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

describe('NetMessage', () => {
  describe('constructor', () => {
    it('gives a fresh 10-character lowercase hex uuid and an empty ignore list by default', () => {
      const car = new Car();
      const message = new NetMessage(car);
      expect(message.object).toBe(car);
      expect(message.uuid).toMatch(/^[0-9a-f]{10}$/);
      expect(message.ignore).toEqual([]);
    });

    it('gives each message its own uuid', () => {
      const uuids = new Set(Array.from({ length: 50 }, () => new NetMessage(new Car()).uuid));
      expect(uuids.size).toBe(50);
    });

    it('keeps the uuid and ignore list given', () => {
      const message = new NetMessage(new Car(), { uuid: '0123456789', ignore: ['speed', 'car_inside'] });
      expect(message.uuid).toBe('0123456789');
      expect(message.ignore).toEqual(['speed', 'car_inside']);
    });
  });
});

describe('newMessageId', () => {
  it('makes 10 lowercase hex characters, different each time', () => {
    const a = newMessageId();
    const b = newMessageId();
    expect(a).toMatch(/^[0-9a-f]{10}$/);
    expect(b).toMatch(/^[0-9a-f]{10}$/);
    expect(a).not.toBe(b);
  });
});

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

describe('describeType', () => {
  it.each<[FieldType, string]>([
    [{ kind: 'number' }, 'number'],
    [{ kind: 'float' }, 'float'],
    [{ kind: 'class', ctor: Car }, 'Car'],
    [{ kind: 'array', of: { kind: 'class', ctor: Car } }, 'array<Car>'],
    [{ kind: 'array', of: { kind: 'array', of: { kind: 'int' } } }, 'array<array<int>>'],
  ])('describes %p as %p', (type, words) => {
    expect(describeType(type)).toBe(words);
  });

  it('names an enum by its wire name', () => {
    const type = defaultRegistry.schemaOf(Car).fieldByWireName.get('mark')?.type as FieldType;
    expect(describeType(type)).toBe('enum CarMark');
  });

  it('names a class by its wire name when given nameOf, and by its JavaScript name where nameOf does not know it', () => {
    const registry = new Registry();
    registry.register(Car, 'cars.Car');
    const nameOf = (ctor: Function): string | undefined => registry.nameOf(ctor);

    expect(describeType({ kind: 'array', of: { kind: 'class', ctor: Car } }, nameOf)).toBe('array<cars.Car>');
    expect(describeType({ kind: 'class', ctor: VolvoCar }, nameOf)).toBe('VolvoCar');
  });

  it('refuses a kind it does not know, rather than describing it wrongly', () => {
    expect(() => describeType({ kind: 'tuple' } as unknown as FieldType)).toThrow(new TypeError('describeType: unknown field type kind "tuple"'));
  });
});

describe('t', () => {
  it('makes frozen descriptors that isTypeDescriptor recognizes', () => {
    for (const spec of [t.number, t.int, t.float, t.string, t.boolean, t.null, t.json, t.array(Number)]) {
      expect(isTypeDescriptor(spec)).toBe(true);
      expect(Object.isFrozen(spec)).toBe(true);
    }
    expect(t.array(t.int)).toMatchObject({ kind: 'array', of: t.int });
  });

  it('tells descriptors from enums, classes and plain objects', () => {
    expect(isTypeDescriptor(CarMark)).toBe(false);
    expect(isTypeDescriptor(Car)).toBe(false);
    expect(isTypeDescriptor({ kind: 'number' })).toBe(false);
    expect(isTypeDescriptor(null)).toBe(false);
    expect(isTypeDescriptor('number')).toBe(false);
  });
});
