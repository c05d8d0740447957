/**
 * The resolution rules as data (docs/evolution.md): each rule, from two registries'
 * schemas, with the problem it reports (or none).
 */
import { NetClass, NetField, Registry, registerEnum, t } from '@oon/core';
import { checkCompatibility, describeRegistry, resolveSchemas, SchemaRule, type ClassResolution, type RegistrySchema } from '@oon/wire';

/** The schema of a registry that `declare` fills. */
function schemaOf(declare: (registry: Registry) => void): RegistrySchema {
  const registry = new Registry();
  declare(registry);
  return describeRegistry(registry);
}

/** How `writer`'s class `name` is read by `reader`. */
function resolve(writer: RegistrySchema, reader: RegistrySchema, name = 'Car'): ClassResolution {
  const resolution = resolveSchemas(writer, reader).classes.get(name);
  if (resolution === undefined) throw new Error(`the writer has no class ${name}`);
  return resolution;
}

/** `writer field -> reader field` for each of the writer's fields, in wire order. */
function mapping(resolution: ClassResolution): string[] {
  return resolution.fields.map((f) => `${f.writer.name} -> ${f.reader?.name ?? '(skipped)'}`);
}

const v1 = schemaOf((registry) => {
  @NetClass({ registry, name: 'Car' })
  class Car {
    @NetField() speed: number = 0;
    @NetField(t.int) wheels: number = 4;
    @NetField() plate: string = '';
  }
  void Car;
});

describe('resolveSchemas()', () => {
  it('reads a class declared alike as it is: identical, every field in place', () => {
    const same = schemaOf((registry) => {
      @NetClass({ registry, name: 'Car' })
      class Car {
        @NetField() plate: string = 'x';
        @NetField(t.int) wheels: number = 2;
        @NetField() speed: number = 1;
      }
      void Car;
    });
    const resolution = resolve(v1, same);
    expect(resolution.identical).toBe(true);
    expect(resolution.problems).toEqual([]);
    // Wire order is by wire name, whatever the declaration order.
    expect(mapping(resolution)).toEqual(['plate -> plate', 'speed -> speed', 'wheels -> wheels']);
  });

  it('skips a field only the writer has, and a field only the reader has keeps its default', () => {
    const v2 = schemaOf((registry) => {
      @NetClass({ registry, name: 'Car' })
      class Car {
        @NetField() speed: number = 0;
        @NetField(t.int) wheels: number = 4;
        @NetField() colour: string = 'red';
      }
      void Car;
    });
    expect(mapping(resolve(v1, v2))).toEqual(['plate -> (skipped)', 'speed -> speed', 'wheels -> wheels']);
    expect(resolve(v1, v2).problems).toEqual([]);
    expect(resolve(v1, v2).identical).toBe(false);
    expect(mapping(resolve(v2, v1))).toEqual(['colour -> (skipped)', 'speed -> speed', 'wheels -> wheels']);
    expect(resolve(v2, v1).problems).toEqual([]);
  });

  it('refuses a reader field the writer never sends when the reader has no default for it', () => {
    const v2 = schemaOf((registry) => {
      @NetClass({ registry, name: 'Car' })
      class Car {
        @NetField() speed: number = 0;
        @NetField(t.int) wheels: number = 4;
        @NetField() plate: string = '';
        @NetField() owner!: string;
        @NetField(t.optional(t.string)) nickname?: string;
      }
      void Car;
    });
    expect(resolve(v1, v2).problems).toEqual([
      {
        rule: SchemaRule.RequiredFieldMissing,
        class: 'Car',
        field: 'owner',
        message:
          "the reader's `Car.owner` has no default (its class leaves it undefined) and the writer never sends it: give it an initializer or make it t.optional",
      },
    ]);
    // The other way the field is merely skipped.
    expect(resolve(v2, v1).problems).toEqual([]);
  });

  it('matches fields by wire name whichever class of the chain declares them', () => {
    const moved = schemaOf((registry) => {
      @NetClass({ registry, name: 'Vehicle' })
      class Vehicle {
        @NetField() speed: number = 0;
      }
      @NetClass({ registry, name: 'Car' })
      class Car extends Vehicle {
        @NetField() plate: string = '';
        @NetField(t.int) wheels: number = 4;
      }
      void Car;
    });
    expect(mapping(resolve(v1, moved))).toEqual(['plate -> plate', 'speed -> speed', 'wheels -> wheels']);
    expect(resolve(v1, moved).problems).toEqual([]);
    expect(resolve(moved, v1).problems).toEqual([]);
  });

  it('refuses a class whose parent the reader does not extend: it would be refused in a field of that parent', () => {
    const withParent = schemaOf((registry) => {
      @NetClass({ registry, name: 'Vehicle' })
      class Vehicle {}
      @NetClass({ registry, name: 'Car' })
      class Car extends Vehicle {
        @NetField() speed: number = 0;
      }
      void Car;
    });
    const otherParent = schemaOf((registry) => {
      @NetClass({ registry, name: 'Vehicle' })
      class Vehicle {}
      @NetClass({ registry, name: 'Thing' })
      class Thing {}
      @NetClass({ registry, name: 'Car' })
      class Car extends Thing {
        @NetField() speed: number = 0;
      }
      void [Vehicle, Car];
    });
    expect(resolve(withParent, otherParent).problems).toEqual([
      {
        rule: SchemaRule.ParentChanged,
        class: 'Car',
        message:
          "`Car` extends `Vehicle` in the writer's schema, but the reader's `Car` does not extend `Vehicle`: it would be refused in a field declared as `Vehicle`",
      },
    ]);
    // The other way the writer's parent, Thing, is no class of the reader's: no field there is typed Thing.
    expect(resolve(otherParent, withParent).problems).toEqual([]);
  });

  it('reads a renamed field and a renamed class through the aliases the reader declares', () => {
    const renamed = schemaOf((registry) => {
      @NetClass({ registry, name: 'Automobile', aliases: ['Car'] })
      class Automobile {
        @NetField({ aliases: ['speed'] }) velocity: number = 0;
        @NetField(t.int) wheels: number = 4;
        @NetField({ name: 'licence', aliases: ['plate', 'registration'] }) plate: string = '';
      }
      void Automobile;
    });
    const resolution = resolve(v1, renamed);
    expect(resolution.reader?.name).toBe('Automobile');
    expect(mapping(resolution)).toEqual(['plate -> licence', 'speed -> velocity', 'wheels -> wheels']);
    expect(resolution.problems).toEqual([]);
    // Aliases are the reader's: the old side reading the new one knows none of them.
    expect(resolveSchemas(renamed, v1).classes.get('Automobile')?.problems.map((p) => p.rule)).toEqual([SchemaRule.ClassMissing]);
  });

  it('prefers a field of the same name over an alias', () => {
    const both = schemaOf((registry) => {
      @NetClass({ registry, name: 'Car' })
      class Car {
        @NetField() speed: number = 0;
        @NetField({ aliases: ['speed'] }) velocity: number = 0;
      }
      void Car;
    });
    expect(mapping(resolve(v1, both))).toEqual(['plate -> (skipped)', 'speed -> speed', 'wheels -> (skipped)']);
  });

  describe('widening that loses nothing', () => {
    it.each([
      ['int', 'number', t.int, t.number],
      ['int', 'float', t.int, t.float],
      ['number', 'float', t.number, t.float],
      ['float', 'number', t.float, t.number],
      ['string', 'optional<string>', t.string, t.optional(t.string)],
      ['null', 'string', t.null, t.string],
      ['array<int>', 'array<number>', t.array(t.int), t.array(t.number)],
      ['map<int, int>', 'map<number, optional<float>>', t.map(t.int, t.int), t.map(t.number, t.optional(t.float))],
    ])('reads %s as %s', (_, __, from, to) => {
      const writer = schemaOf((registry) => {
        @NetClass({ registry, name: 'Car' })
        class Car {
          @NetField(from) value: unknown = null;
        }
        void Car;
      });
      const reader = schemaOf((registry) => {
        @NetClass({ registry, name: 'Car' })
        class Car {
          @NetField(to) value: unknown = null;
        }
        void Car;
      });
      expect(resolve(writer, reader).problems).toEqual([]);
    });

    it('reads an enum into one with more members, not the other way', () => {
      const few = schemaOf((registry) => {
        registerEnum({ Volvo: 0, Ford: 2 }, 'Mark', registry);
        @NetClass({ registry, name: 'Car' })
        class Car {
          @NetField(() => registry.enumByName('Mark')?.object ?? {}) mark: number = 0;
        }
        void Car;
      });
      const more = schemaOf((registry) => {
        registerEnum({ Volvo: 0, Toyota: 1, Ford: 2 }, 'Mark', registry);
        @NetClass({ registry, name: 'Car' })
        class Car {
          @NetField(() => registry.enumByName('Mark')?.object ?? {}) mark: number = 0;
        }
        void Car;
      });
      expect(resolve(few, more).problems).toEqual([]);
      expect(resolve(more, few).problems).toEqual([
        {
          rule: SchemaRule.EnumMemberMissing,
          class: 'Car',
          field: 'mark',
          message: "`Car.mark` is enum Mark in the writer's schema, enum Mark in the reader's: the reader's enum Mark lacks `Toyota` = 1",
        },
      ]);
    });

    it('reads a class into a field of a parent of it', () => {
      const declare = (parentTyped: boolean) =>
        schemaOf((registry) => {
          @NetClass({ registry, name: 'Vehicle' })
          class Vehicle {}
          @NetClass({ registry, name: 'Car' })
          class Car extends Vehicle {}
          @NetClass({ registry, name: 'Garage' })
          class Garage {
            @NetField(() => (parentTyped ? Vehicle : Car)) inside: Vehicle | null = null;
          }
          void Garage;
        });
      expect(resolve(declare(false), declare(true), 'Garage').problems).toEqual([]);
      expect(resolve(declare(true), declare(false), 'Garage').problems.map((p) => p.rule)).toEqual([SchemaRule.TypeChanged]);
    });
  });

  describe('everything else is incompatible, naming the rule', () => {
    it.each([
      ['number', 'string', t.number, t.string, 'a number cannot be read as a string'],
      ['number', 'int', t.number, t.int, 'a number cannot be read as an int without loss'],
      ['optional<string>', 'string', t.optional(t.string), t.string, "the writer may leave it undefined, which the reader cannot hold; make the reader's t.optional too"],
      ['array<int>', 'set<int>', t.array(t.int), t.set(t.int), 'an array cannot be read as a set'],
      ['map<string, int>', 'map<int, int>', t.map(t.string, t.int), t.map(t.int, t.int), 'map keys of type string cannot be read as int'],
      ['date', 'string', t.date, t.string, 'a date cannot be read as a string'],
    ])('%s read as %s', (from, to, fromType, toType, reason) => {
      const writer = schemaOf((registry) => {
        @NetClass({ registry, name: 'Car' })
        class Car {
          @NetField(fromType) value: unknown = null;
        }
        void Car;
      });
      const reader = schemaOf((registry) => {
        @NetClass({ registry, name: 'Car' })
        class Car {
          @NetField(toType) value: unknown = null;
        }
        void Car;
      });
      expect(resolve(writer, reader).problems).toEqual([
        { rule: SchemaRule.TypeChanged, class: 'Car', field: 'value', message: `\`Car.value\` is ${from} in the writer's schema, ${to} in the reader's: ${reason}` },
      ]);
    });

    it('a class read as an unrelated class', () => {
      const declare = (typedAs: 'Engine' | 'Wheel') =>
        schemaOf((registry) => {
          @NetClass({ registry, name: 'Engine' })
          class Engine {}
          @NetClass({ registry, name: 'Wheel' })
          class Wheel {}
          @NetClass({ registry, name: 'Car' })
          class Car {
            @NetField(() => (typedAs === 'Engine' ? Engine : Wheel)) part: object | null = null;
          }
          void Car;
        });
      expect(resolve(declare('Engine'), declare('Wheel')).problems).toEqual([
        {
          rule: SchemaRule.TypeChanged,
          class: 'Car',
          field: 'part',
          message: "`Car.part` is Engine in the writer's schema, Wheel in the reader's: the reader reads Engine as its `Engine`, which is not `Wheel` and does not extend it",
        },
      ]);
    });

    it('a class the reader lacks, and a name that is a class on one side and an enum on the other', () => {
      const other = schemaOf((registry) => registerEnum({ A: 1 }, 'Car', registry));
      expect(resolve(v1, schemaOf(() => {})).problems).toEqual([
        { rule: SchemaRule.ClassMissing, class: 'Car', message: 'the reader has no class `Car` (nor one with it as an alias)' },
      ]);
      expect(resolve(v1, other).problems).toEqual([{ rule: SchemaRule.KindChanged, class: 'Car', message: "`Car` is a class in the writer's schema, an enum in the reader's" }]);
    });
  });
});

describe('checkCompatibility()', () => {
  const summary = (older: RegistrySchema, newer: RegistrySchema): string[] => checkCompatibility(older, newer).map((p) => `${p.writer} writes ${p.class}: ${p.rule}`);

  it('passes a version that adds a class or a field with a default, and removes a field', () => {
    const newer = schemaOf((registry) => {
      @NetClass({ registry, name: 'Car' })
      class Car {
        @NetField() speed: number = 0;
        @NetField(t.int) wheels: number = 4;
        @NetField() colour: string = 'red';
      }
      @NetClass({ registry, name: 'Boat' })
      class Boat {}
      void [Car, Boat];
    });
    expect(checkCompatibility(v1, newer)).toEqual([]);
  });

  it('fails a removed class one way, and a renamed one the other way unless the old name is kept', () => {
    expect(summary(v1, schemaOf(() => {}))).toEqual(['older writes Car: class-missing']);
    const renamed = schemaOf((registry) => {
      @NetClass({ registry, name: 'Automobile', aliases: ['Car'] })
      class Automobile {
        @NetField() speed: number = 0;
        @NetField(t.int) wheels: number = 4;
        @NetField() plate: string = '';
      }
      void Automobile;
    });
    const [problem] = checkCompatibility(v1, renamed);
    expect(problem).toEqual({
      rule: SchemaRule.ClassMissing,
      class: 'Automobile',
      writer: 'newer',
      message: 'the older version has no class `Automobile` (nor one with it as an alias)',
    });
    expect(summary(v1, renamed)).toEqual(['newer writes Automobile: class-missing']);
  });

  it('fails a type change both ways, each problem worded from the versions', () => {
    const newer = schemaOf((registry) => {
      @NetClass({ registry, name: 'Car' })
      class Car {
        @NetField() speed: string = '';
        @NetField(t.int) wheels: number = 4;
        @NetField() plate: string = '';
      }
      void Car;
    });
    expect(checkCompatibility(v1, newer).map((p) => p.message)).toEqual([
      "`Car.speed` is number in the older version's schema, string in the newer version's: a number cannot be read as a string",
      "`Car.speed` is string in the newer version's schema, number in the older version's: a string cannot be read as a number",
    ]);
  });
});
