/**
 * The bench trusts deepCheck to fail any contender whose output is not the graph it was
 * given: these tests show it tells classes, values, Date, Set, Map and arrays apart.
 */
import { deepCheck } from '../src/deep-check';

class Car {
  speed: number | null = null;
}
class VolvoCar extends Car {
  wheels = 4;
}

function car(speed: number): Car {
  const c = new Car();
  c.speed = speed;
  return c;
}

describe('deepCheck', () => {
  it('passes an equal graph of the same classes', () => {
    const graph = { cars: [car(1), new VolvoCar()], at: new Date(5), tags: new Set(['a']), byPlate: new Map([['P', car(2)]]) };
    const copy = { cars: [car(1), new VolvoCar()], at: new Date(5), tags: new Set(['a']), byPlate: new Map([['P', car(2)]]) };
    expect(() => deepCheck(graph, copy)).not.toThrow();
  });

  it('fails a plain object where an instance was sent, naming the path', () => {
    expect(() => deepCheck({ car: car(1) }, { car: { speed: 1 } })).toThrow('deep check failed at root.car: expected an instance of a Car, got a plain object');
  });

  it('fails a base class where a subclass was sent', () => {
    expect(() => deepCheck([new VolvoCar()], [new Car()])).toThrow('root[0]');
  });

  it('fails a different value', () => {
    expect(() => deepCheck(car(1), car(2))).toThrow('deep check failed at root.speed: expected 1, got number 2');
  });

  it('fails a Date sent as its string, another instant, a Set or Map turned array or losing an entry', () => {
    expect(() => deepCheck(new Date(5), new Date(5).toISOString())).toThrow('root');
    expect(() => deepCheck(new Date(5), new Date(6))).toThrow('root');
    expect(() => deepCheck(new Set(['a']), ['a'])).toThrow('root');
    expect(() => deepCheck(new Set(['a', 'b']), new Set(['a', 'c']))).toThrow('a Set holding b');
    expect(() => deepCheck(new Map([['P', 1]]), new Map([['Q', 1]]))).toThrow('a Map with key P');
    expect(() => deepCheck(new Map([['P', 1]]), new Map([['P', 2]]))).toThrow('root.get("P")');
  });

  it('fails an array of another length', () => {
    expect(() => deepCheck([1, 2], [1])).toThrow('an array of 2');
  });

  it('compares values only with classes: false (the floors)', () => {
    expect(() => deepCheck(car(1), { speed: 1 }, { classes: false })).not.toThrow();
    expect(() => deepCheck(car(1), { speed: 2 }, { classes: false })).toThrow('root.speed');
  });
});
