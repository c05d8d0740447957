/** `JsonCodec` with `originOnly`: the origin's wire exactly, refusing what oon 0.0.5 has no JSON form for. */
import { NetClass, NetField, NetMessage, Registry, t } from '@oon/core';
import { JsonCodec } from '@oon/wire';
import { Car } from '../../../examples/cars/src/cars';
import { expectBadData } from '../../../test/support/expect-bad-data';
import { fixture, Garage, SEEDS, UUID } from './fixtures/json-codec';

describe('JsonCodec', () => {
  describe('with originOnly', () => {
    it('still writes the origin fixtures byte for byte', () => {
      const origin = new JsonCodec({ originOnly: true });
      for (const [name, build, ignore] of SEEDS) {
        expect(Buffer.from(origin.encode(new NetMessage(build(), { uuid: UUID, ignore }))).equals(fixture(name))).toBe(true);
      }
    });

    it('refuses a list of objects, which the origin cannot read, with BadData', () => {
      const origin = new JsonCodec({ originOnly: true });
      const garage = Object.assign(new Garage(), { cars: [new Car()] });
      expectBadData(() => origin.encode(new NetMessage(garage)), 'body.cars', 'list of objects');
    });

    describe('refuses, naming the field, what the origin has no JSON form for', () => {
      const registry = new Registry();
      @NetClass({ registry })
      class Modern {
        @NetField(t.optional(t.date)) when?: Date;
        @NetField(t.optional(t.bigint)) big?: bigint;
        @NetField(t.optional(t.bytes)) raw?: Uint8Array;
        @NetField(t.optional(t.set(t.string))) tags?: Set<string>;
        @NetField(t.optional(t.map(String, t.number))) scores?: Map<string, number>;
      }
      @NetClass({ registry, references: true })
      class Node {
        @NetField(t.string) name = 'n';
      }
      const origin = new JsonCodec({ registry, originOnly: true });
      const cases: Array<[string, Partial<Modern>, string]> = [
        ['a Date', { when: new Date(0) }, "body.when: the origin's wire (oon 0.0.5) cannot carry a date value; send it over protocol 'oon'"],
        ['a bigint', { big: 1n }, 'body.big: the origin\'s wire (oon 0.0.5) cannot carry a bigint value'],
        ['bytes', { raw: new Uint8Array([1]) }, 'body.raw: the origin\'s wire (oon 0.0.5) cannot carry a bytes value'],
        ['a Set', { tags: new Set(['a']) }, 'body.tags: the origin\'s wire (oon 0.0.5) cannot carry a set<string> value'],
        ['a Map', { scores: new Map([['a', 1]]) }, 'body.scores: the origin\'s wire (oon 0.0.5) cannot carry a map<string, number> value'],
      ];

      it.each(cases)('%s', (_name, fields, message) => {
        expectBadData(() => origin.encode(new NetMessage(Object.assign(new Modern(), fields))), message);
      });

      it('sends the same fields when they are undefined: left out, the origin keeps its defaults', () => {
        expect(origin.encode(new NetMessage(new Modern(), { uuid: UUID }))).toBe(`{"head": {"uuid": "${UUID}"}, "body": {"type": "Modern"}}`);
      });

      it('refuses a class sent with references', () => {
        expectBadData(() => origin.encode(new NetMessage(new Node())), "body: the origin's wire (oon 0.0.5) cannot carry shared references (Node is sent with references)");
      });
    });
  });
});
