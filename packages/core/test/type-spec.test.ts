/** Type descriptors (`t`) and how a field type is described (`describeType`). */
import {
  defaultRegistry,
  describeType,
  isTypeDescriptor,
  Registry,
  t,
  type FieldType,
} from '@oon/core';
import { Car, CarMark, VolvoCar } from '../../../examples/cars/src/cars';

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
