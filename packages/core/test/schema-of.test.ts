/** `Registry.schemaOf()`: a class's fields, inherited ones first, with their types resolved, and what it refuses. */
import {
  BadDataError,
  NetClass,
  NetField,
  OonError,
  Registry,
  t,
} from '@oon/core';
import { thrown } from '../../../test/support/expect-bad-data';

enum Letters {
  A = 'a',
  B = 'b',
}

describe('Registry', () => {
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
});
