import { Exclude, Expose, Type } from 'class-transformer';
import { NetClass, NetField, Registry, type ClassSchema, type FieldType } from '@oon/core';

/** Each field as [key, type in words], to compare schemas at a glance. */
function fieldsOf(schema: ClassSchema): Array<[string, string]> {
  const words = (type: FieldType): string =>
    type.kind === 'class'
      ? type.ctor.name
      : type.kind === 'array' || type.kind === 'set' || type.kind === 'optional'
        ? `${type.kind}<${words(type.of)}>`
        : type.kind === 'map'
          ? `map<${type.key.kind}, ${words(type.value)}>`
          : type.kind;
  return schema.fields.map((f) => [f.key, words(f.type)]);
}

describe("class-transformer's decorators", () => {
  const registry = new Registry();

  @NetClass({ registry })
  class Wheel {
    @NetField() size: number = 16;
  }

  it('@Exclude() drops a @NetField', () => {
    @NetClass({ registry })
    class Car {
      @NetField() name: string = '';
      @NetField() @Exclude() secret: string = '';
    }
    expect(fieldsOf(registry.schemaOf(Car))).toEqual([['name', 'string']]);
  });

  it('@Exclude() on a class keeps only the @NetFields that also carry @Expose()', () => {
    @Exclude()
    @NetClass({ registry })
    class Account {
      @NetField() @Expose() id: number = 0;
      @NetField() password: string = '';
    }
    expect(fieldsOf(registry.schemaOf(Account))).toEqual([['id', 'number']]);
  });

  it('@Type(() => X) gives the type of a field, a list, a Set or a Map of X', () => {
    @NetClass({ registry })
    class Bus {
      @NetField() @Type(() => Wheel) spare!: Wheel | null;
      @NetField() @Type(() => Wheel) wheels: Wheel[] = [];
      @NetField() @Type(() => Wheel) kept: Set<Wheel> = new Set();
      @NetField() @Type(() => Wheel) byPosition: Map<string, Wheel> = new Map();
    }
    expect(fieldsOf(registry.schemaOf(Bus))).toEqual([
      ['spare', 'Wheel'],
      ['wheels', 'array<Wheel>'],
      ['kept', 'set<Wheel>'],
      ['byPosition', 'map<string, Wheel>'],
    ]);
  });

  it("an explicit @NetField type wins over @Type's", () => {
    @NetClass({ registry })
    class Van {
      @NetField(() => [Number]) @Type(() => Wheel) sizes: number[] = [];
    }
    expect(fieldsOf(registry.schemaOf(Van))).toEqual([['sizes', 'array<number>']]);
  });

  it('needs @Type below @NetField, since decorators apply bottom-up (TypeError otherwise)', () => {
    expect(() => {
      class Car {
        @Type(() => Wheel) @NetField() wheels: Wheel[] = [];
      }
      return Car;
    }).toThrow(new TypeError('Car.wheels is an array: give its element type, as in @NetField(() => [Number])'));
  });
});

describe('types inferred from design:type', () => {
  const registry = new Registry();

  it('reads Date, bigint, Uint8Array and Buffer', () => {
    @NetClass({ registry })
    class Record {
      @NetField() at: Date = new Date(0);
      @NetField() big: bigint = 0n;
      @NetField() raw: Uint8Array = new Uint8Array();
      @NetField() buffer: Buffer = Buffer.alloc(0);
    }
    expect(fieldsOf(registry.schemaOf(Record))).toEqual([
      ['at', 'date'],
      ['big', 'bigint'],
      ['raw', 'bytes'],
      ['buffer', 'bytes'],
    ]);
  });

  it.each([
    ['Map', 'Box.items is a Map: give its key and value types, as in @NetField(() => t.map(String, Car))'],
    ['Set', 'Box.items is a Set: give its element type, as in @NetField(() => t.set(Number))'],
  ])('refuses a %s without element types, naming class and field (TypeError)', (kind, message) => {
    expect(() => {
      if (kind === 'Map') {
        class Box {
          @NetField() items: Map<string, number> = new Map();
        }
        return Box;
      }
      class Box {
        @NetField() items: Set<number> = new Set();
      }
      return Box;
    }).toThrow(new TypeError(message));
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a field named %s (TypeError)', (key) => {
    class Box {}
    expect(() => NetField(() => Number)(Box.prototype, key)).toThrow(TypeError);
  });
});
