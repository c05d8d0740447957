import { createHmac } from 'node:crypto';
import { BadDataError, NetClass, NetField, Registry, registerEnum, t } from '@oon/core';
import {
  describeRegistry,
  schemaHash,
  type RegistrySchema,
} from '@oon/wire';
import {
  checkSchemas,
  clientHello,
  diffSchemas,
  encodeHello,
  MAX_LISTED_DIFFERENCES,
  parseHello,
  parseSchema,
  serverHello,
  classNumbering,
  linkClassNumbers,
  checkSessionProof,
  randomSecret,
  sessionProof,
  SESSION_SECRET_BYTES,
} from '@oon/wire/internal';
import { expectBadData } from '../../../test/support/expect-bad-data';

/** The hello in a Hello frame, read back as the peer reads it. */
function decodeHelloForTest(frame: Uint8Array): ReturnType<typeof parseHello> {
  return parseHello(frame.subarray(5));
}

/** Runs `fn`, expecting BadData with exactly `message`. */
function expectBadDataMessage(fn: () => unknown, message: string): void {
  expect(expectBadData(fn).message).toBe(message);
}

enum CarMark {
  Volvo,
  Toyota,
  Ford,
}

/** The cars of the examples, in a registry of their own, as one side declares them. */
function carsRegistry(): Registry {
  const registry = new Registry();
  registerEnum(CarMark, 'CarMark', registry);
  @NetClass({ registry })
  class Car {
    @NetField(() => CarMark) mark: CarMark | null = null;
    @NetField() speed: number = 0;
  }
  @NetClass({ registry })
  class VolvoCar extends Car {
    @NetField(t.int) wheels = 4;
  }
  @NetClass({ registry, name: 'cars.Garage' })
  class Garage {
    @NetField(() => [Car]) cars: Car[] = [];
    @NetField(t.array(t.array(t.float))) plan: number[][] = [];
  }
  void VolvoCar;
  void Garage;
  return registry;
}

/** A registry with one class `Car` whose fields are given as [wire name, type spec]. */
function carWith(...fields: Array<[string, () => unknown]>): RegistrySchema {
  const registry = new Registry();
  class Car {}
  for (const [name, type] of fields) NetField(type as () => typeof Number)(Car.prototype, name);
  registry.register(Car, 'Car');
  return describeRegistry(registry);
}

describe('describeRegistry()', () => {
  it('lists classes and enums by wire name, fields in declaration order with canonical types, and parents', () => {
    const schema = describeRegistry(carsRegistry());

    expect(schema.classes).toEqual([
      { name: 'Car', parent: null, fields: [{ name: 'mark', type: 'enum CarMark' }, { name: 'speed', type: 'number' }] },
      { name: 'VolvoCar', parent: 'Car', fields: [{ name: 'mark', type: 'enum CarMark' }, { name: 'speed', type: 'number' }, { name: 'wheels', type: 'int' }] },
      { name: 'cars.Garage', parent: null, fields: [{ name: 'cars', type: 'array<Car>' }, { name: 'plan', type: 'array<array<float>>' }] },
    ]);
    expect(schema.enums).toEqual([
      { name: 'CarMark', members: [{ name: 'Volvo', value: 0 }, { name: 'Toyota', value: 1 }, { name: 'Ford', value: 2 }] },
    ]);
    expect(schema.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(schema.hash).toBe(schemaHash(schema.classes, schema.enums));
  });

  it('gives two registries declared alike the same hash, and a changed field type another', () => {
    const a = carWith(['speed', () => Number], ['owner', () => String]);
    const b = carWith(['speed', () => Number], ['owner', () => String]);
    const c = carWith(['speed', () => String], ['owner', () => String]);

    expect(a.hash).toBe(b.hash);
    expect(c.hash).not.toBe(a.hash);
  });

  it('does not depend on the order classes were registered in', () => {
    const first = new Registry();
    const second = new Registry();
    class A {}
    class B {}
    first.register(A, 'A');
    first.register(B, 'B');
    second.register(B, 'B');
    second.register(A, 'A');

    expect(describeRegistry(first).hash).toBe(describeRegistry(second).hash);
  });

  it('is described again once the registry gains a class', () => {
    const registry = new Registry();
    class A {}
    registry.register(A, 'A');
    const before = describeRegistry(registry);
    expect(describeRegistry(registry)).toBe(before);

    class B {}
    registry.register(B, 'B');

    expect(describeRegistry(registry).classes.map((c) => c.name)).toEqual(['A', 'B']);
  });

  it('is described again once a class registered before gains aliases, or an enum is registered', () => {
    const registry = new Registry();
    class A {
      @NetField(t.int) n = 0;
    }
    registry.register(A, 'A');
    const before = describeRegistry(registry);

    registry.register(A, 'A', { aliases: ['OldA'] });
    const aliased = describeRegistry(registry);
    registry.registerEnum({ On: 1 }, 'Switch');

    expect(aliased.classes[0]?.aliases).toEqual(['OldA']);
    expect(aliased.hash).not.toBe(before.hash);
    expect(describeRegistry(registry).enums.map((e) => e.name)).toEqual(['Switch']);
  });

  it('names the class and field whose type thunk throws', () => {
    const registry = new Registry();
    class Car {}
    NetField(() => {
      throw new ReferenceError("Cannot access 'Owner' before initialization");
    })(Car.prototype, 'owner');
    registry.register(Car, 'Car');

    expectBadDataMessage(
      () => describeRegistry(registry),
      "Car.owner: its type thunk threw (ReferenceError: Cannot access 'Owner' before initialization); every class or enum it names must be defined by the time the schema is first needed (at the first send or connect)",
    );
  });
});

describe('checkSchemas()', () => {
  const ours = carWith(['speed', () => Number], ['owner', () => String]);

  it('finds nothing wrong with an equal schema, or one that only adds classes', () => {
    expect(checkSchemas(ours, carWith(['speed', () => Number], ['owner', () => String]))).toBeUndefined();
    const registry = new Registry();
    class Car {}
    class Boat {}
    NetField(() => Number)(Car.prototype, 'speed');
    NetField(() => String)(Car.prototype, 'owner');
    NetField(() => Number)(Boat.prototype, 'length');
    registry.register(Car, 'Car');
    registry.register(Boat, 'Boat');
    const theirs = describeRegistry(registry);

    expect(theirs.hash).not.toBe(ours.hash);
    expect(diffSchemas(ours, theirs)).toEqual([]);
    expect(checkSchemas(ours, theirs)).toBeUndefined();
  });

  it('skips the comparison when the hashes are equal', () => {
    const liar: RegistrySchema = { ...carWith(['speed', () => String]), hash: ours.hash };
    expect(checkSchemas(ours, liar)).toBeUndefined();
  });

  it('words a type mismatch from each side', () => {
    const theirs = carWith(['speed', () => String], ['owner', () => String]);

    expect(diffSchemas(ours, theirs)).toEqual(["peer's `Car.speed` is string, ours is number"]);
    expect(diffSchemas(theirs, ours)).toEqual(["peer's `Car.speed` is number, ours is string"]);
  });

  it('words a missing field from each side', () => {
    const theirs = carWith(['speed', () => Number]);

    expect(diffSchemas(ours, theirs)).toEqual(['peer lacks field `Car.owner`']);
    expect(diffSchemas(theirs, ours)).toEqual(["peer's `Car` has field `owner`, ours does not"]);
  });

  it('tells a differing parent', () => {
    const withParent = new Registry();
    const without = new Registry();
    class Vehicle {}
    class Car extends Vehicle {}
    withParent.register(Vehicle, 'Vehicle');
    withParent.register(Car, 'Car');
    without.register(Car, 'Car');

    expect(diffSchemas(describeRegistry(withParent), describeRegistry(without))).toEqual([
      "peer's `Car` extends nothing, ours extends `Vehicle`",
    ]);
  });

  it('compares enums by member value, naming each missing or extra member', () => {
    const ourMarks = new Registry();
    const theirMarks = new Registry();
    registerEnum({ Volvo: 0, Toyota: 1, Ford: 2 }, 'CarMark', ourMarks);
    registerEnum({ Volvo: 0, Toyota: 1, Saab: 3 }, 'CarMark', theirMarks);

    expect(diffSchemas(describeRegistry(ourMarks), describeRegistry(theirMarks))).toEqual([
      "peer's enum `CarMark` lacks member `Ford` = 2",
      "peer's enum `CarMark` has member `Saab` = 3, ours does not",
    ]);
  });

  it('takes a renamed enum member with the same value as no disagreement', () => {
    const a = new Registry();
    const b = new Registry();
    registerEnum({ Red: 'red' }, 'Color', a);
    registerEnum({ Crimson: 'red' }, 'Color', b);

    expect(checkSchemas(describeRegistry(a), describeRegistry(b))).toBeUndefined();
  });

  it('tells a wire name that is a class on one side and an enum on the other', () => {
    const a = new Registry();
    const b = new Registry();
    class Color {}
    a.register(Color, 'Color');
    registerEnum({ Red: 'red' }, 'Color', b);

    expect(diffSchemas(describeRegistry(a), describeRegistry(b))).toEqual(["peer's `Color` is an enum, ours is a class"]);
    expect(diffSchemas(describeRegistry(b), describeRegistry(a))).toEqual(["peer's `Color` is a class, ours is an enum"]);
  });

  it('finds as many differences from either side', () => {
    const ourCars = describeRegistry(carsRegistry());
    const registry = new Registry();
    registerEnum({ Volvo: 0 }, 'CarMark', registry);
    class Car {}
    NetField(() => String)(Car.prototype, 'speed');
    NetField(() => Number)(Car.prototype, 'owner');
    registry.register(Car, 'Car');
    const theirCars = describeRegistry(registry);

    expect(diffSchemas(ourCars, theirCars)).toEqual([
      'peer lacks field `Car.mark`',
      "peer's `Car.speed` is string, ours is number",
      "peer's `Car` has field `owner`, ours does not",
      "peer's enum `CarMark` lacks member `Toyota` = 1",
      "peer's enum `CarMark` lacks member `Ford` = 2",
    ]);
    expect(diffSchemas(theirCars, ourCars)).toHaveLength(5);
  });

  it('lists the first ten differences in a BadData error and counts the rest', () => {
    const fields = Array.from({ length: 13 }, (_, i): [string, () => unknown] => [`f${String(i).padStart(2, '0')}`, () => Number]);
    const theirs = carWith(...fields.map(([name]): [string, () => unknown] => [name, () => String]));

    const err = checkSchemas(carWith(...fields), theirs);

    expect(MAX_LISTED_DIFFERENCES).toBe(10);
    expect(err).toBeInstanceOf(BadDataError);
    expect(err?.code).toBe('BadData');
    const listed = fields.slice(0, 10).map(([name]) => `peer's \`Car.${name}\` is string, ours is number`);
    expect(err?.message).toBe(
      `schemas disagree: ${listed.join('; ')}; and 3 more. A class or enum both sides register must have the same fields, types and parent on both`,
    );
  });
});

describe('parseSchema()', () => {
  it('reads back what describeRegistry wrote, through JSON', () => {
    const schema = describeRegistry(carsRegistry());
    expect(parseSchema(JSON.parse(JSON.stringify(schema)))).toEqual(schema);
  });

  const valid = { hash: 'a'.repeat(64), classes: [], enums: [] };
  it.each<[string, unknown, string]>([
    ['a schema that is not an object', [], 'peer hello: schema must be an object'],
    ['a missing hash', { ...valid, hash: undefined }, 'peer hello: schema.hash must be a sha-256 in lowercase hex'],
    ['classes that are not a list', { ...valid, classes: {} }, 'peer hello: schema.classes must be an array'],
    ['a class without a name', { ...valid, classes: [{ parent: null, fields: [] }] }, 'peer hello: schema.classes[0].name must be a string'],
    ['a numeric parent', { ...valid, classes: [{ name: 'A', parent: 1, fields: [] }] }, 'peer hello: schema.classes[0].parent must be a string or null'],
    [
      'a field type that is not a string',
      { ...valid, classes: [{ name: 'A', parent: null, fields: [{ name: 'x', type: 1 }] }] },
      'peer hello: schema.classes[0].fields[0].type must be a string',
    ],
    [
      'a class listed twice',
      { ...valid, classes: [{ name: 'A', parent: null, fields: [] }, { name: 'A', parent: null, fields: [] }] },
      'peer hello: schema.classes lists class `A` twice',
    ],
    [
      'a field listed twice',
      { ...valid, classes: [{ name: 'A', parent: null, fields: [{ name: 'x', type: 'int' }, { name: 'x', type: 'int' }] }] },
      'peer hello: class `A` lists field `x` twice',
    ],
    [
      'an enum value that is an object',
      { ...valid, enums: [{ name: 'E', members: [{ name: 'a', value: {} }] }] },
      'peer hello: schema.enums[0].members[0].value must be a string or a number',
    ],
  ])('refuses %s with BadData', (_, schema, message) => {
    expectBadDataMessage(() => parseSchema(schema), message);
  });

  it('cuts a huge name short in its message', () => {
    const name = 'N'.repeat(100_000);
    const schema = { ...valid, classes: [{ name, parent: null, fields: [] }, { name, parent: null, fields: [] }] };
    expectBadDataMessage(() => parseSchema(schema), `peer hello: schema.classes lists class \`${'N'.repeat(80)}…\` twice`);
  });
});

describe('hellos', () => {
  const schema = describeRegistry(carsRegistry());

  it('carry the schema both ways, and a token only from the client', () => {
    expect(decodeHelloForTest(encodeHello(clientHello(schema, { token: 'sesame' }), 1 << 20))).toEqual({
      protocol: 'oon',
      version: 1,
      codecs: ['binary', 'json'],
      token: 'sesame',
      schema,
    });
    expect(decodeHelloForTest(encodeHello(serverHello('json', schema), 1 << 20))).toEqual({
      protocol: 'oon',
      version: 1,
      codecs: ['binary', 'json'],
      codec: 'json',
      schema,
    });
  });

  it('carry maxRequestsInFlight both ways when set, and leave it out when not', () => {
    expect(decodeHelloForTest(encodeHello(clientHello(schema, { maxRequestsInFlight: 4 }), 1 << 20)).maxRequestsInFlight).toBe(4);
    expect(decodeHelloForTest(encodeHello(serverHello('json', schema, { maxRequestsInFlight: 256 }), 1 << 20)).maxRequestsInFlight).toBe(256);
    expect(JSON.stringify(clientHello(schema))).not.toContain('maxRequestsInFlight');
    expect(parseHello(Buffer.from('{"protocol": "oon", "version": 1, "codecs": ["json"]}')).maxRequestsInFlight).toBeUndefined();
  });

  it.each([0, -3, 1.5, '8', null, 2 ** 53])('refuse a hello whose maxRequestsInFlight is %j', (bound) => {
    const payload = Buffer.from(JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], maxRequestsInFlight: bound }));
    expectBadDataMessage(
      () => parseHello(payload),
      `peer hello has a maxRequestsInFlight of ${JSON.stringify(bound)}, not a positive whole number`,
    );
  });

  it('carry classNumbers both ways when given, and leave them out when not; the binary codec uses them only when the peer sent its own and its schema', () => {
    const numbers = classNumbering(carsRegistry());
    const client = decodeHelloForTest(encodeHello(clientHello(schema, { classNumbers: numbers }), 1 << 20));
    const server = decodeHelloForTest(encodeHello(serverHello('binary', schema, { classNumbers: numbers }), 1 << 20));
    expect(client.classNumbers).toEqual(numbers);
    expect(server.classNumbers).toEqual(numbers);
    expect(JSON.stringify(clientHello(schema))).not.toContain('classNumbers');
    expect(linkClassNumbers('binary', ['A'], client)).toEqual({ own: ['A'], peer: numbers });
    expect(linkClassNumbers('json', ['A'], client)).toBeUndefined();
    expect(linkClassNumbers('binary', ['A'], parseHello(Buffer.from('{"protocol": "oon", "version": 1, "codecs": ["binary"]}')))).toBeUndefined();
    const noSchema = parseHello(Buffer.from('{"protocol": "oon", "version": 1, "codecs": ["binary"], "classNumbers": ["Car"]}'));
    expect(noSchema.classNumbers).toEqual(['Car']);
    expect(linkClassNumbers('binary', ['A'], noSchema)).toBeUndefined();
  });

  it.each(['Car', [1], null, { 1: 'Car' }])('refuse a hello whose classNumbers are %j, not a list of wire names', (numbers) => {
    const payload = Buffer.from(JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], classNumbers: numbers }));
    expectBadDataMessage(() => parseHello(payload), 'peer hello has classNumbers that are not a list of wire names');
  });

  it('number classes in registration order, a later list extending an earlier one', () => {
    const registry = new Registry();
    @NetClass({ registry, name: 'Zed' })
    class Zed {}
    const first = classNumbering(registry);
    expect(first).toEqual(['Zed']);
    expect(classNumbering(registry)).toBe(first);
    @NetClass({ registry, name: 'Alpha' })
    class Alpha {}
    expect(classNumbering(registry)).toEqual(['Zed', 'Alpha']);
    expect([Zed, Alpha]).toHaveLength(2);
  });

  it('read a hello without a schema as a peer that names no classes', () => {
    const hello = parseHello(Buffer.from('{"protocol": "oon", "version": 1, "codecs": ["json"]}'));
    expect(hello.schema).toBeUndefined();
  });

  it('refuse a malformed schema in a hello', () => {
    const payload = Buffer.from(JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], schema: { hash: 'x' } }));
    expectBadDataMessage(() => parseHello(payload), 'peer hello: schema.hash must be a sha-256 in lowercase hex');
  });

  it('refuse to encode a hello over maxFrameBytes, saying how big and what to raise', () => {
    const size = encodeHello(clientHello(schema), 1 << 20).length - 4;

    expect(encodeHello(clientHello(schema), size).length - 4).toBe(size);
    expectBadDataMessage(
      () => encodeHello(clientHello(schema), size - 1),
      `this side's hello is ${size} bytes with the schema of its 3 classes and 1 enums, over maxFrameBytes (${size - 1}): raise maxFrameBytes on both sides, or register fewer classes in the registry this connection uses`,
    );
  });
});

describe('session window', () => {
  const hello = (session: object): Buffer => Buffer.from(JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], session }));

  it('reads the send window a session hello announces, absent when not announced (an older OON)', () => {
    expect(parseHello(hello({ received: 0, window: 4 * 1024 * 1024 })).session).toEqual({ received: 0, window: 4 * 1024 * 1024 });
    expect(parseHello(hello({ received: 3 })).session).toEqual({ received: 3 });
  });

  it.each([0, -1, 1.5, '4096', null, 2 ** 53])('refuses a window of %p with BadData', (window) => {
    expect(() => parseHello(hello({ received: 0, window }))).toThrow(BadDataError);
    expect(() => parseHello(hello({ received: 0, window }))).toThrow(/peer hello has a session window of .*, not a positive whole number of bytes/);
  });
  it('reads whether a session hello says its side reads NextMessage frames, absent when not said (an older OON)', () => {
    expect(parseHello(hello({ received: 0, next: true })).session).toEqual({ received: 0, next: true });
    expect(parseHello(hello({ received: 0, next: false })).session).toEqual({ received: 0, next: false });
    expect(parseHello(hello({ received: 0 })).session).toEqual({ received: 0 });
  });

  it.each([1, 'true', null, {}])('refuses a `next` of %p with BadData', (next) => {
    expect(() => parseHello(hello({ received: 0, next }))).toThrow(new BadDataError('peer hello has a session `next` that is not a boolean'));
  });
});

describe('session proof', () => {
  const secret = Buffer.from(randomSecret());
  const nonce = randomSecret();

  it('reads a granted secret from a hello, and refuses one that is not 32 bytes of base64', () => {
    const hello = (session: object): Buffer => Buffer.from(JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], session }));
    expect(parseHello(hello({ id: 'a', resumed: false, received: 0, secret: secret.toString('base64') })).session?.secret).toBe(secret.toString('base64'));
    for (const bad of [secret.subarray(0, 16).toString('base64'), 42, `${secret.toString('base64').slice(0, -1)}!`]) {
      expect(() => parseHello(hello({ id: 'a', received: 0, secret: bad }))).toThrow(new BadDataError('peer hello has a session secret that is not 32 bytes in base64'));
    }
  });

  it('holds only for the same secret, nonce and session id', async () => {
    const proof = await sessionProof(secret, nonce, 'session-1');
    expect(proof).toHaveLength(SESSION_SECRET_BYTES);
    expect(await checkSessionProof(secret, nonce, 'session-1', proof)).toBe(true);
    expect(await checkSessionProof(randomSecret(), nonce, 'session-1', proof)).toBe(false);
    expect(await checkSessionProof(secret, randomSecret(), 'session-1', proof)).toBe(false);
    expect(await checkSessionProof(secret, nonce, 'session-2', proof)).toBe(false);
    expect(await checkSessionProof(secret, nonce, 'session-1', proof.subarray(0, 31))).toBe(false);
  });

  it('is HMAC-SHA256 over the label, the nonce and the id, as docs/protocol.md says', async () => {
    const expected = createHmac('sha256', secret).update('oon session resume v1').update(nonce).update('séssion-1', 'utf8').digest();
    expect(Buffer.from(await sessionProof(secret, nonce, 'séssion-1')).equals(expected)).toBe(true);
  });
});
