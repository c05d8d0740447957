import {
  BadDataError,
  defaultRegistry,
  NetClass,
  NetField,
  OonError,
  Registry,
  registerEnum,
  StartFailError,
  t,
  type FieldSchema,
} from '@oon/core';
import { thrown } from '../../../test/support/expect-bad-data';

/** A field as a test compares it: key, wire name and resolved type. */
function summary(fields: readonly FieldSchema[]): Array<[string, string, string]> {
  return fields.map((f) => [f.key, f.wireName, f.type.kind]);
}

enum Mark {
  Volvo,
  Toyota,
  Ford,
}

describe('NetField', () => {
  describe('without an explicit type', () => {
    it('reads number, string, boolean and class types from design:type', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Engine {
        @NetField() power: number = 0;
      }
      @NetClass({ registry })
      class Car {
        @NetField() speed: number = 0;
        @NetField() model: string = '';
        @NetField() electric: boolean = false;
        @NetField() engine: Engine = new Engine();
      }
      const schema = registry.schemaOf(Car);
      expect(summary(schema.fields)).toEqual([
        ['speed', 'speed', 'number'],
        ['model', 'model', 'string'],
        ['electric', 'electric', 'boolean'],
        ['engine', 'engine', 'class'],
      ]);
      const engine = schema.fields[3]?.type;
      expect(engine?.kind === 'class' && engine.ctor).toBe(Engine);
    });

    it('refuses, at decoration, an array field without an element type (TypeError)', () => {
      const err = thrown(() => {
        class Garage {
          @NetField() cars: number[] = [];
        }
        return Garage;
      });
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toContain('Garage.cars is an array');
      expect((err as Error).message).toContain('@NetField(() => [Number])');
    });

    it('refuses, at decoration, a `number | null` field without an explicit type (TypeError)', () => {
      const err = thrown(() => {
        class Car {
          @NetField() speed: number | null = null;
        }
        return Car;
      });
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toContain('Car.speed');
      expect((err as Error).message).toContain("cannot be read from TypeScript's metadata");
      expect((err as Error).message).toContain('`number | null`');
      expect((err as Error).message).toContain('@NetField(t.number)');
    });

    it('refuses, at decoration, a field typed unknown (TypeError)', () => {
      const err = thrown(() => {
        class Box {
          @NetField({ name: 'content' }) content: unknown = null;
        }
        return Box;
      });
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toContain('Box.content');
    });

    it('refuses a symbol-keyed property (TypeError)', () => {
      const secret = Symbol('secret');
      const err = thrown(() => {
        class Vault {
          @NetField(t.number) [secret] = 0;
        }
        return Vault;
      });
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toContain('@NetField on Vault');
      expect((err as Error).message).toContain('symbol-keyed');
    });
  });

  it('refuses a static property (TypeError), as the standard form does', () => {
    const err = thrown(() => {
      class Counter {
        @NetField(t.int) static total = 0;
      }
      return Counter;
    });
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('@NetField on Counter.total: a static field belongs to the class, not to the instances sent');
  });

  describe('with an explicit type', () => {
    it('accepts every kind of type spec, and a nullable field typed explicitly', () => {
      const registry = new Registry();
      registerEnum(Mark, 'Mark', registry);
      @NetClass({ registry })
      class Part {
        @NetField() id: number = 0;
      }
      @NetClass({ registry })
      class Sample {
        @NetField(t.number) a: number | null = null;
        @NetField(t.int) b = 0;
        @NetField(t.float) c = 0;
        @NetField(t.string) d: string | null = null;
        @NetField(t.boolean) e: boolean | null = null;
        @NetField(t.null) f: null = null;
        @NetField(t.json) g: unknown = null;
        @NetField(t.array(Number)) h: number[] = [];
        @NetField(() => [String]) i: string[] = [];
        @NetField(() => Mark) j: Mark | null = null;
        @NetField(() => Part) k: Part | null = null;
        @NetField(() => [Part]) l: Part[] = [];
        @NetField(t.array(t.array(t.int))) m: number[][] = [];
        @NetField(() => Number) n: number | null = null;
      }
      const types = registry.schemaOf(Sample).fields.map((f) => f.type);
      expect(types).toEqual([
        { kind: 'number' },
        { kind: 'int' },
        { kind: 'float' },
        { kind: 'string' },
        { kind: 'boolean' },
        { kind: 'null' },
        { kind: 'json' },
        { kind: 'array', of: { kind: 'number' } },
        { kind: 'array', of: { kind: 'string' } },
        {
          kind: 'enum',
          name: 'Mark',
          object: Mark,
          members: [['Volvo', 0], ['Toyota', 1], ['Ford', 2]],
          values: new Set([0, 1, 2]),
        },
        { kind: 'class', ctor: Part },
        { kind: 'array', of: { kind: 'class', ctor: Part } },
        { kind: 'array', of: { kind: 'array', of: { kind: 'int' } } },
        { kind: 'number' },
      ]);
    });

    it('accepts a type thunk naming a class declared later', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Node {
        @NetField(() => Leaf) leaf: Leaf | null = null;
        @NetField(() => Node) next: Node | null = null;
      }
      @NetClass({ registry })
      class Leaf {
        @NetField() value: number = 0;
      }
      const [leaf, next] = registry.schemaOf(Node).fields;
      expect(leaf?.type).toEqual({ kind: 'class', ctor: Leaf });
      expect(next?.type).toEqual({ kind: 'class', ctor: Node });
    });

    it('reports a type that is an unregistered plain object with BadData when the schema is built', () => {
      const registry = new Registry();
      const Unregistered = { A: 'a', B: 'b' } as const;
      @NetClass({ registry })
      class Holder {
        @NetField(() => Unregistered) value: string | null = null;
      }
      const err = thrown(() => registry.schemaOf(Holder));
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as OonError).code).toBe('BadData');
      expect((err as Error).message).toContain('Holder.value');
      expect((err as Error).message).toContain('not a registered enum');
      expect((err as Error).message).toContain('registerEnum');
    });

    it('reports an array spec with more than one element with BadData when the schema is built', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Pair {
        // Not expressible in the types; a JavaScript caller could still write it.
        @NetField((() => [Number, String]) as unknown as () => [NumberConstructor]) both: unknown[] = [];
      }
      const err = thrown(() => registry.schemaOf(Pair));
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as Error).message).toContain('Pair.both');
      expect((err as Error).message).toContain('with one element');
    });
  });

  describe('name option', () => {
    it('sets the wire name, with or without an explicit type, and keeps the property key', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Trailer {
        @NetField(t.number, { name: 'car_count' }) carCount: number | null = null;
        @NetField({ name: 'max_load' }) maxLoad: number = 0;
        @NetField({ type: t.string, name: 'plate_no' }) plate: string | null = null;
        @NetField() axles: number = 2;
      }
      const schema = registry.schemaOf(Trailer);
      expect(summary(schema.fields)).toEqual([
        ['carCount', 'car_count', 'number'],
        ['maxLoad', 'max_load', 'number'],
        ['plate', 'plate_no', 'string'],
        ['axles', 'axles', 'number'],
      ]);
      expect(schema.fieldByWireName.get('car_count')?.key).toBe('carCount');
      expect(schema.fieldByWireName.has('carCount')).toBe(false);
    });
  });

  describe('on subclasses', () => {
    it('puts inherited fields first, base class first, in declaration order', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Vehicle {
        @NetField() wheels: number = 0;
        @NetField() name: string = '';
      }
      @NetClass({ registry })
      class Car extends Vehicle {
        @NetField() doors: number = 4;
      }
      @NetClass({ registry })
      class SportsCar extends Car {
        @NetField() topSpeed: number = 300;
        @NetField() cabrio: boolean = false;
      }
      expect(registry.schemaOf(SportsCar).fields.map((f) => f.key)).toEqual(['wheels', 'name', 'doors', 'topSpeed', 'cabrio']);
      expect(registry.schemaOf(Car).fields.map((f) => f.key)).toEqual(['wheels', 'name', 'doors']);
      expect(registry.schemaOf(Vehicle).fields.map((f) => f.key)).toEqual(['wheels', 'name']);
    });

    it('keeps a redeclared field at its base position, with the subclass declaration', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Base {
        @NetField() a: number = 0;
        @NetField() b: number = 0;
      }
      @NetClass({ registry })
      class Derived extends Base {
        @NetField() c: string = '';
        @NetField(t.float, { name: 'alpha' }) override a = 0.5;
      }
      expect(summary(registry.schemaOf(Derived).fields)).toEqual([
        ['a', 'alpha', 'float'],
        ['b', 'b', 'number'],
        ['c', 'c', 'string'],
      ]);
      // The base class is unchanged by its subclass.
      expect(summary(registry.schemaOf(Base).fields)).toEqual([
        ['a', 'a', 'number'],
        ['b', 'b', 'number'],
      ]);
    });

    it('inherits fields of an unregistered base class, and does not register the base', () => {
      const registry = new Registry();
      class Plain {
        @NetField() id: number = 0;
      }
      @NetClass({ registry })
      class Registered extends Plain {
        @NetField() label: string = '';
      }
      expect(registry.schemaOf(Registered).fields.map((f) => f.key)).toEqual(['id', 'label']);
      expect(registry.nameOf(Plain)).toBeUndefined();
    });

    it('sends a property the subclass overrides without redecorating, as the base declared it', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Car {
        @NetField(t.number) speed: number | null = null;
      }
      @NetClass({ registry })
      class FastCar extends Car {
        override speed: number | null = 200;
      }
      expect(summary(registry.schemaOf(FastCar).fields)).toEqual([['speed', 'speed', 'number']]);
    });
  });
});

describe('NetClass', () => {
  it('registers in the default registry under the class name', () => {
    @NetClass()
    class DefaultCar {
      @NetField() speed: number = 0;
    }
    expect(defaultRegistry.classByName('DefaultCar')).toBe(DefaultCar);
    expect(defaultRegistry.nameOf(DefaultCar)).toBe('DefaultCar');
  });

  it('takes the wire name as a string', () => {
    @NetClass('cars.Named')
    class Named {}
    expect(defaultRegistry.classByName('cars.Named')).toBe(Named);
    expect(defaultRegistry.classByName('Named')).toBeUndefined();
    expect(defaultRegistry.schemaOf(Named).name).toBe('cars.Named');
  });

  it('registers in the registry given, and only there', () => {
    const registry = new Registry();
    @NetClass({ registry })
    class Isolated {}
    @NetClass({ registry, name: 'other.Name' })
    class Renamed {}
    expect(registry.classByName('Isolated')).toBe(Isolated);
    expect(registry.classByName('other.Name')).toBe(Renamed);
    expect(defaultRegistry.classByName('Isolated')).toBeUndefined();
    expect(defaultRegistry.nameOf(Isolated)).toBeUndefined();
    expect(defaultRegistry.classByName('other.Name')).toBeUndefined();
    expect(new Registry().classNames()).toEqual([]);
  });

  it('lets two registries each hold a class under the same wire name', () => {
    const left = new Registry();
    const right = new Registry();
    const LeftCar = (() => {
      @NetClass({ registry: left, name: 'Car' })
      class LeftCar {}
      return LeftCar;
    })();
    const RightCar = (() => {
      @NetClass({ registry: right, name: 'Car' })
      class RightCar {}
      return RightCar;
    })();
    expect(left.classByName('Car')).toBe(LeftCar);
    expect(right.classByName('Car')).toBe(RightCar);
  });

  it('refuses a second class with a taken wire name with StartFail, naming both classes', () => {
    const registry = new Registry();
    @NetClass({ registry, name: 'Vehicle' })
    class Truck {}
    const err = thrown(() => {
      @NetClass({ registry, name: 'Vehicle' })
      class Bicycle {}
      return Bicycle;
    });
    expect(err).toBeInstanceOf(StartFailError);
    expect(err).toBeInstanceOf(OonError);
    expect((err as OonError).code).toBe('StartFail');
    expect((err as Error).message).toContain('`Vehicle`');
    expect((err as Error).message).toContain('class Truck');
    expect((err as Error).message).toContain('class Bicycle');
    // The first class keeps the name.
    expect(registry.classByName('Vehicle')).toBe(Truck);
  });

  it('refuses two classes of the same name in the default registry with StartFail', () => {
    const first = (() => {
      @NetClass()
      class Twin {}
      return Twin;
    })();
    const err = thrown(() => {
      @NetClass()
      class Twin {}
      return Twin;
    });
    expect(err).toBeInstanceOf(StartFailError);
    expect((err as Error).message).toContain('wire name `Twin` is taken by class Twin');
    expect((err as Error).message).toContain("@NetClass('cars.Twin')");
    expect(defaultRegistry.classByName('Twin')).toBe(first);
  });

  it('refuses a class whose wire name is taken by an enum with StartFail', () => {
    const registry = new Registry();
    registerEnum(Mark, 'Mark', registry);
    const err = thrown(() => {
      @NetClass({ registry })
      class Mark {}
      return Mark;
    });
    expect(err).toBeInstanceOf(StartFailError);
    expect((err as Error).message).toContain('taken by enum Mark');
    expect((err as Error).message).toContain('class Mark');
  });

  it('refuses a class decorated twice under two names with StartFail', () => {
    const registry = new Registry();
    const err = thrown(() => {
      @NetClass({ registry, name: 'Second' })
      @NetClass({ registry, name: 'First' })
      class Doubled {}
      return Doubled;
    });
    expect(err).toBeInstanceOf(StartFailError);
    expect((err as Error).message).toContain('class Doubled is already registered as `First`');
    expect(registry.classByName('Second')).toBeUndefined();
  });
});
