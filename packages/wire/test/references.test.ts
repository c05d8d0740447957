import { BadDataError, NetClass, NetField, NetMessage, Registry, t } from '@oon/core';
import { BinaryCodec, JsonCodec, type Codec, type CodecOptions } from '@oon/wire';

const registry = new Registry();

/** Tracked by its own class option. */
@NetClass({ registry, references: true })
class Person {
  @NetField(t.string) name = '';
  @NetField(() => Person) friend: Person | null = null;
  @NetField(() => t.set(Person)) team = new Set<Person>();
}

/** Not tracked unless the codec tracks everything. */
@NetClass({ registry })
class Node {
  @NetField(t.int) n = 0;
  @NetField(() => Node) next: Node | null = null;
  @NetField(() => [Node]) children: Node[] = [];
}

@NetClass({ registry })
class Pair {
  @NetField(() => Node) left: Node | null = null;
  @NetField(() => Node) right: Node | null = null;
  @NetField(() => t.map(String, Person)) people = new Map<string, Person>();
}

function person(name: string): Person {
  return Object.assign(new Person(), { name });
}

function node(n: number): Node {
  return Object.assign(new Node(), { n });
}

const CODECS: ReadonlyArray<readonly [string, (options?: CodecOptions) => Codec]> = [
  ['json', (options) => new JsonCodec({ registry, ...options })],
  ['binary', (options) => new BinaryCodec({ registry, ...options })],
];

describe.each(CODECS)('references through the %s codec', (_name, makeCodec) => {
  const roundTrip = (codec: Codec, object: object): unknown => codec.decode(codec.encode(new NetMessage(object))).object;

  describe('per class, @NetClass({ references: true })', () => {
    const codec = makeCodec();

    it('revives a cycle as a cycle', () => {
      const ann = person('ann');
      const bob = Object.assign(person('bob'), { friend: ann });
      ann.friend = bob;
      const back = roundTrip(codec, ann) as Person;
      expect(back).toBeInstanceOf(Person);
      expect(back.friend?.name).toBe('bob');
      expect(back.friend?.friend).toBe(back);
    });

    it('revives an object reached twice (in a field, a Set and a Map) as one object', () => {
      const ann = Object.assign(person('ann'), { team: new Set<Person>() });
      ann.team.add(ann);
      const pair = Object.assign(new Pair(), { people: new Map([['a', ann], ['b', ann]]) });
      const back = roundTrip(codec, pair) as Pair;
      const a = back.people.get('a');
      expect(a).toBeInstanceOf(Person);
      expect(back.people.get('b')).toBe(a);
      expect([...(a as Person).team][0]).toBe(a);
    });

    it('still copies objects of classes that did not opt in', () => {
      const shared = node(1);
      const back = roundTrip(codec, Object.assign(new Pair(), { left: shared, right: shared })) as Pair;
      expect(back.left).toStrictEqual(shared);
      expect(back.left).not.toBe(back.right);
    });

    it('refuses a cycle through classes that did not opt in with BadData naming the cycle', () => {
      const loop = node(1);
      loop.next = node(2);
      loop.next.next = loop;
      expect(() => codec.encode(new NetMessage(loop))).toThrow(BadDataError);
      expect(() => codec.encode(new NetMessage(loop))).toThrow(
        /nested deeper than 64 levels \(maxDepth\) because of a reference cycle: body\.next\.next refers back to body.*references: true/,
      );
    });
  });

  describe('per endpoint, references: true', () => {
    const codec = makeCodec({ references: true });

    it('revives shared objects and cycles of any class', () => {
      const shared = node(7);
      shared.children.push(shared);
      const back = roundTrip(codec, Object.assign(new Pair(), { left: shared, right: shared })) as Pair;
      expect(back.left).toBeInstanceOf(Node);
      expect(back.right).toBe(back.left);
      expect(back.left?.children[0]).toBe(back.left);
    });

    it('is refused by a receiver that did not opt in, with BadData saying what to set', () => {
      const shared = node(7);
      const bytes = codec.encode(new NetMessage(Object.assign(new Pair(), { left: shared, right: shared })));
      expect(() => makeCodec().decode(bytes)).toThrow(/the peer sent Pair as a shared reference.*references: true/);
    });
  });
});
