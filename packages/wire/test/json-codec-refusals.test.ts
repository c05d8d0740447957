/** `JsonCodec.decode()` of bad or hostile data: `BadData` naming what is wrong, and nothing leaking onto prototypes. */
import { Registry } from '@oon/core';
import { JsonCodec } from '@oon/wire';
import { Everything } from '../../../test/support/extra';
import { expectBadData } from '../../../test/support/expect-bad-data';
import { Chain, chainJson, fixture, Garage, Matrix, withBody } from './fixtures/json-codec';

describe('JsonCodec', () => {
  const codec = new JsonCodec();

  describe('decode', () => {
    describe('refusing bad data', () => {
      it('refuses an unknown class with BadData', () => {
        expectBadData(() => codec.decode(withBody('{"type": "Bicycle", "speed": 1}')), 'body: unknown class `Bicycle`', '@NetClass()');
      });

      it('refuses an unknown nested class, naming its path', () => {
        const text = fixture('ford_truck.json').toString('utf8').replace('"type": "VolvoCar"', '"type": "Bicycle"');
        expectBadData(() => codec.decode(text), 'body.trailer.car_inside: unknown class `Bicycle`');
      });

      it('refuses an enum name used as a class name', () => {
        expectBadData(() => codec.decode(withBody('{"type": "CarMark", "value": 1}')), 'unknown class `CarMark`');
      });

      it('refuses a field of the wrong type, naming its path', () => {
        const text = fixture('ford_truck.json').toString('utf8').replace('"speed": 35', '"speed": "fast"');
        expectBadData(() => codec.decode(text), 'body.trailer.car_inside.speed: expected number, got string "fast"');
      });

      it.each([
        ['a non-integer in a t.int field', '"count": 1.5', 'body.count: expected int, got number 1.5'],
        ['a string in a boolean field', '"flag": "true"', 'body.flag: expected boolean, got string "true"'],
        ['a number in a string field', '"name": 7', 'body.name: expected string, got number 7'],
        ['a value in a t.null field', '"nothing": false', 'body.nothing: expected null, got boolean false'],
        ['an object in an array of numbers', '"numbers": [1, {"a": 1}]', 'body.numbers[1]: expected number, got an object'],
        ['a string for an array', '"numbers": "123"', 'body.numbers: expected array<number>, got string "123"'],
        ['a string for a float', '"ratio": "2.5"', 'body.ratio: expected float, got string "2.5"'],
        ['an array for a class', '"origin": [1.5, -2.0]', 'body.origin: expected a Point object, got an array'],
        ['an object without type for a class', '"origin": {"x": 1.5}', 'body.origin: object has no "type"'],
        ['a bare enum value', '"color": "blue"', 'body.color: expected enum Color as {"type": "Color", "value": …}, got string "blue"'],
        ['an enum member of another enum', '"color": {"type": "CarMark", "value": 1}', 'body.color: expected enum Color'],
        ['an enum object without value', '"color": {"type": "Color"}', 'body.color: expected enum Color'],
        ['a value not a member of the enum', '"color": {"type": "Color", "value": "green"}', 'body.color: string "green" is not a member of enum Color'],
      ])('refuses %s with BadData', (_what, field, fragment) => {
        const text = withBody(`{"type": "Everything", ${field}}`);
        expectBadData(() => codec.decode(text), fragment);
      });

      it('refuses a numeric enum value that is not a member, or is a member name', () => {
        expectBadData(
          () => codec.decode(withBody('{"type": "Car", "mark": {"type": "CarMark", "value": 7}}')),
          'body.mark: number 7 is not a member of enum CarMark',
        );
        expectBadData(
          () => codec.decode(withBody('{"type": "Car", "mark": {"type": "CarMark", "value": "Ford"}}')),
          'body.mark: string "Ford" is not a member of enum CarMark',
        );
      });

      it('refuses a class that is not a subclass of the declared field type', () => {
        const text = fixture('ford_truck.json').toString('utf8').replace('"type": "TrucTrailer"', '"type": "VolvoCar"');
        expectBadData(() => codec.decode(text), 'body.trailer: expected TrucTrailer, got VolvoCar, which does not extend it');
        expectBadData(
          () => codec.decode(withBody('{"type": "TrucTrailer", "car_inside": {"type": "TrucTrailer"}}')),
          'body.car_inside: expected Car, got TrucTrailer, which does not extend it',
        );
        expectBadData(
          () => codec.decode(withBody('{"type": "FordTruck", "trailer": {"type": "Point", "x": 1.0}}')),
          'body.trailer: expected TrucTrailer, got Point',
        );
      });

      it('refuses an undeclared field with BadData', () => {
        expectBadData(() => codec.decode(withBody('{"type": "Car", "speed": 1, "colour": "red"}')), 'body: class Car has no field `colour`');
      });

      it('refuses a field by its property name when its wire name differs', () => {
        expectBadData(
          () => codec.decode(withBody('{"type": "TrucTrailer", "carCount": 1}')),
          'body: class TrucTrailer has no field `carCount`',
        );
      });

      it.each([
        ['malformed JSON', '{"head": {"uuid": "0123456789"}, "body": {"type": "Car"', 'message is not valid JSON'],
        ['an empty payload', '', 'message is not valid JSON'],
        ['a JSON array', '[1, 2]', 'a message is a JSON object {"head": …, "body": …}, got an array'],
        ['a JSON number', '42', 'got number 42'],
        ['a JSON string', '"hello"', 'got string "hello"'],
        ['JSON null', 'null', 'got null'],
        ['no head', '{"body": {"type": "Car"}}', 'message has no "head"'],
        ['no body', '{"head": {"uuid": "0123456789"}}', 'message has no "body"'],
        ['a head that is not an object', '{"head": "0123456789", "body": {"type": "Car"}}', 'message "head" must be an object, got string'],
        ['no head.uuid', '{"head": {}, "body": {"type": "Car"}}', 'message head has no "uuid"'],
        ['a uuid that is not a string', '{"head": {"uuid": 123}, "body": {"type": "Car"}}', 'message head "uuid" must be a string, got number 123'],
        ['a body that is not an object', '{"head": {"uuid": "0123456789"}, "body": 5}', 'body: expected an object, got number 5'],
        ['a body that is null', '{"head": {"uuid": "0123456789"}, "body": null}', 'body: expected an object, got null'],
        ['a body without type', '{"head": {"uuid": "0123456789"}, "body": {"speed": 1}}', 'body: object has no "type"'],
        ['a body whose type is not a string', '{"head": {"uuid": "0123456789"}, "body": {"type": 3}}', 'body: object has no "type"'],
      ])('refuses %s with BadData', (_what, text, fragment) => {
        expectBadData(() => codec.decode(text), fragment);
      });

      it('refuses bytes that are not UTF-8 with BadData', () => {
        const bytes = Buffer.concat([Buffer.from(withBody('{"type": "Car", "speed": 1}').slice(0, 20)), Buffer.from([0xff, 0xfe])]);
        expectBadData(() => codec.decode(bytes), 'message is not valid UTF-8');
      });

      it('refuses a class whose constructor needs arguments, with BadData', () => {
        expectBadData(() => codec.decode(withBody('{"type": "Needy", "label": "x"}')), 'cannot revive Needy', 'label is required');
      });

      it('refuses nesting deeper than maxDepth (64 by default) with BadData', () => {
        expect((codec.decode(withBody(chainJson(65))).object as Chain).next).toBeInstanceOf(Chain);
        expectBadData(() => codec.decode(withBody(chainJson(66))), 'nested deeper than 64 levels (maxDepth)');
        expectBadData(() => codec.decode(withBody(chainJson(5000))), 'nested deeper than 64 levels');
      });

      it('reads nesting up to a custom maxDepth and refuses one level more', () => {
        const shallow = new JsonCodec({ maxDepth: 3 });
        const back = shallow.decode(withBody(chainJson(4))).object as Chain;
        expect(back.next?.next?.next).toBeInstanceOf(Chain);
        expect(back.next?.next?.next?.n).toBe(3);
        expectBadData(() => shallow.decode(withBody(chainJson(5))), 'body.next.next.next.next: nested deeper than 3 levels');
      });

      it('counts arrays as levels of nesting', () => {
        const shallow = new JsonCodec({ maxDepth: 2 });
        expect(shallow.decode(withBody('{"type": "Garage", "cars": [{"type": "Car"}]}')).object).toBeInstanceOf(Garage);
        expectBadData(
          () => shallow.decode(withBody('{"type": "Garage", "grid": [[{"type": "Point"}]]}')),
          'body.grid[0][0]: nested deeper than 2 levels',
        );
      });

      it('counts arrays of arrays of numbers as levels of nesting', () => {
        const text = withBody('{"type": "Matrix", "rows": [[1, 2], [3]]}');
        expect((new JsonCodec({ maxDepth: 2 }).decode(text).object as Matrix).rows).toEqual([[1, 2], [3]]);
        expectBadData(() => new JsonCodec({ maxDepth: 1 }).decode(text), 'body.rows[0]: nested deeper than 1 levels');
      });

      it('refuses classes registered only elsewhere when given its own registry', () => {
        const isolated = new JsonCodec({ registry: new Registry() });
        expectBadData(() => isolated.decode(fixture('volvo_car.json')), 'body: unknown class `VolvoCar`');
      });
    });

    describe('keeping __proto__ and constructor keys out of objects', () => {
      afterEach(() => {
        // Whatever happened, nothing may have leaked onto Object.prototype.
        expect(Object.prototype).not.toHaveProperty('polluted');
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      });

      it('refuses a __proto__ key in the body as an undeclared field', () => {
        const text = withBody('{"type": "Car", "__proto__": {"polluted": true}, "speed": 1}');
        expectBadData(() => codec.decode(text), 'body: class Car has no field `__proto__`');
      });

      it('refuses a constructor key in a nested object as an undeclared field', () => {
        const text = withBody(
          '{"type": "FordTruck", "trailer": {"type": "TrucTrailer", "constructor": {"prototype": {"polluted": true}}}}',
        );
        expectBadData(() => codec.decode(text), 'body.trailer: class TrucTrailer has no field `constructor`');
      });

      it('refuses __proto__ even when it arrives before the type key', () => {
        const text = withBody('{"__proto__": {"type": "VolvoCar"}, "type": "Car"}');
        expectBadData(() => codec.decode(text), 'class Car has no field `__proto__`');
      });

      it('keeps a __proto__ key inside a t.json value as plain data, without changing any prototype', () => {
        const text = withBody('{"type": "Everything", "table": {"__proto__": {"polluted": true}, "a": 1}}');
        const object = codec.decode(text).object as Everything;
        expect(object).toBeInstanceOf(Everything);
        const table = object.table as Record<string, unknown>;
        expect(Object.getPrototypeOf(table)).toBe(Object.prototype);
        expect(Object.keys(table)).toEqual(['__proto__', 'a']);
        expect(table['a']).toBe(1);
      });
    });
  });
});
