/**
 * The schema handshake over real sockets, with `schemaPolicy: 'strict'`: a server and a
 * client with registries of their own that disagree on a class both know fail to
 * connect, each side saying what differs from where it stands; classes only one side
 * knows are fine until one is sent. (The default policy, 'compatible', is in
 * schema-evolution.test.ts.)
 */
import { NetClass, NetField, OonError, Registry, registerEnum, type TypeThunk } from '@oon/core';
import { describeRegistry, encodeFrame, FrameKind } from '@oon/wire';
import { parseHello } from '@oon/wire/internal';
import { decodeFrames, expectOonError, harness, nextEvent, within } from '../support/harness';

const h = harness();
afterEach(() => h.closeAll());

/** The sentence every schema mismatch ends with. */
const ADVICE = 'A class or enum both sides register must have the same fields, types and parent on both';

/** A registry with one class `Car`, its fields given as [wire name, type thunk]. */
function carRegistry(...fields: Array<[string, TypeThunk]>): Registry {
  const registry = new Registry();
  class Car {}
  for (const [name, type] of fields) NetField(type)(Car.prototype, name);
  registry.register(Car, 'Car');
  return registry;
}

/** A registry with the enum `CarMark` holding these members, and a `Car` with a field of it. */
function markRegistry(members: Record<string, number>): Registry {
  const registry = new Registry();
  registerEnum(members, 'CarMark', registry);
  class Car {}
  NetField(() => members)(Car.prototype, 'mark');
  registry.register(Car, 'Car');
  return registry;
}

/**
 * Connects a client with `clientRegistry` to a server with `serverRegistry`, expecting
 * both to fail with BadData; returns the server's `'error'` and the client's rejection.
 */
async function failedHandshake(serverRegistry: Registry, clientRegistry: Registry): Promise<{ server: OonError; client: OonError }> {
  const { server, port } = await h.listeningServer({ registry: serverRegistry, schemaPolicy: 'strict' });
  const connections: unknown[] = [];
  server.on('connection', (peer) => connections.push(peer));
  const serverError = nextEvent(server, 'error');
  const client = h.client(port, { registry: clientRegistry, schemaPolicy: 'strict' });

  const clientError = await expectOonError(client.connect(), 'BadData');

  const [error, peer] = await serverError;
  expect(error).toBeInstanceOf(OonError);
  expect(error.code).toBe('BadData');
  expect(peer).toBeUndefined();
  expect(client.connected).toBe(false);
  expect(connections).toEqual([]);
  expect(server.peers.size).toBe(0);
  return { server: error, client: clientError };
}

/** The message the server's `'error'` carries for a client that failed the handshake. */
const serverSays = (differences: string): RegExp =>
  new RegExp(`^client 127\\.0\\.0\\.1:\\d+ failed the handshake: ${escape(`schemas disagree: ${differences}. ${ADVICE}`)}$`);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('the schema handshake', () => {
  it.each(['binary', 'json'] as const)(
    'connects sides that declare the same fields in another order, and each field arrives in its place (%s codec)',
    async (codec) => {
      const serverRegistry = carRegistry(['speed', () => Number], ['wheels', () => Number]);
      const clientRegistry = carRegistry(['wheels', () => Number], ['speed', () => Number]);
      const { server, port } = await h.listeningServer({ registry: serverRegistry, codec });
      const client = await h.connectedClient(port, { registry: clientRegistry, codec });
      const ClientCar = clientRegistry.classByName('Car') as new () => { speed: number; wheels: number };
      const arrived = nextEvent(server, 'message');

      await client.send(Object.assign(new ClientCar(), { speed: 35, wheels: 4 }));

      const [car] = await arrived;
      expect(car).toBeInstanceOf(serverRegistry.classByName('Car') as new () => object);
      expect(car).toEqual(expect.objectContaining({ speed: 35, wheels: 4 }));
    },
  );

  it('fails both sides when a field has another type, each naming the field from its side', async () => {
    const { server, client } = await failedHandshake(carRegistry(['speed', () => Number]), carRegistry(['speed', () => String]));

    expect(server.message).toMatch(serverSays("peer's `Car.speed` is string, ours is number"));
    expect(client.message).toBe(`schemas disagree: peer's \`Car.speed\` is number, ours is string. ${ADVICE}`);
  });

  it('fails both sides when the client lacks a field the server has', async () => {
    const { server, client } = await failedHandshake(
      carRegistry(['speed', () => Number], ['owner', () => String]),
      carRegistry(['speed', () => Number]),
    );

    expect(server.message).toMatch(serverSays('peer lacks field `Car.owner`'));
    expect(client.message).toBe(`schemas disagree: peer's \`Car\` has field \`owner\`, ours does not. ${ADVICE}`);
  });

  it('fails both sides when the client has a field the server lacks', async () => {
    const { server, client } = await failedHandshake(
      carRegistry(['speed', () => Number]),
      carRegistry(['speed', () => Number], ['owner', () => String]),
    );

    expect(server.message).toMatch(serverSays("peer's `Car` has field `owner`, ours does not"));
    expect(client.message).toBe(`schemas disagree: peer lacks field \`Car.owner\`. ${ADVICE}`);
  });

  it('fails both sides when an enum has other members', async () => {
    const { server, client } = await failedHandshake(
      markRegistry({ Volvo: 0, Toyota: 1, Ford: 2 }),
      markRegistry({ Volvo: 0, Toyota: 1 }),
    );

    expect(server.message).toMatch(serverSays("peer's enum `CarMark` lacks member `Ford` = 2"));
    expect(client.message).toBe(`schemas disagree: peer's enum \`CarMark\` has member \`Ford\` = 2, ours does not. ${ADVICE}`);
  });

  it('lists every difference, the server and the client in the same order', async () => {
    const { server, client } = await failedHandshake(
      carRegistry(['speed', () => Number], ['owner', () => String], ['wheels', () => Number]),
      carRegistry(['speed', () => String], ['colour', () => String], ['wheels', () => Number]),
    );

    expect(server.message).toMatch(
      serverSays("peer's `Car.speed` is string, ours is number; peer lacks field `Car.owner`; peer's `Car` has field `colour`, ours does not"),
    );
    expect(client.message).toBe(
      `schemas disagree: peer's \`Car.speed\` is number, ours is string; peer lacks field \`Car.colour\`; peer's \`Car\` has field \`owner\`, ours does not. ${ADVICE}`,
    );
  });

  it('still serves clients whose schema agrees after refusing one', async () => {
    const serverRegistry = carRegistry(['speed', () => Number]);
    const { server, port } = await h.listeningServer({ registry: serverRegistry, schemaPolicy: 'strict' });
    const refused = nextEvent(server, 'error');
    await expectOonError(h.client(port, { registry: carRegistry(['speed', () => String]) }).connect(), 'BadData', /Car\.speed/);
    await refused;

    // A registry declared alike elsewhere: equal hash, so no comparison is needed.
    const agreeing = carRegistry(['speed', () => Number]);
    const connected = nextEvent(server, 'connection');
    const client = await h.connectedClient(port, { registry: agreeing });
    await connected;

    const Car = agreeing.classByName('Car') as new () => { speed: number };
    const arrived = nextEvent(server, 'message');
    await client.send(Object.assign(new Car(), { speed: 88 }));
    const [car] = await arrived;
    expect(car).toBeInstanceOf(serverRegistry.classByName('Car') as Function);
    expect((car as { speed: number }).speed).toBe(88);
  });
});

describe('classes only one side knows', () => {
  /** Both sides know `Car`; the server also knows `Boat`, the client `Plane`; only the client knows `SportsCar`. */
  function registries(): { serverRegistry: Registry; clientRegistry: Registry } {
    const serverRegistry = new Registry();
    const clientRegistry = new Registry();
    for (const registry of [serverRegistry, clientRegistry]) {
      @NetClass({ registry, name: 'Car' })
      class Car {
        @NetField() speed: number = 0;
      }
      @NetClass({ registry, name: 'Garage' })
      class Garage {
        @NetField(() => Car) car: Car | null = null;
      }
      void Garage;
    }
    @NetClass({ registry: serverRegistry, name: 'Boat' })
    class Boat {
      @NetField() length: number = 0;
    }
    @NetClass({ registry: clientRegistry, name: 'Plane' })
    class Plane {
      @NetField() wings: number = 2;
    }
    // A subclass of the client's `Car` that the server does not know.
    const ClientCar = clientRegistry.classByName('Car') as new () => { speed: number };
    @NetClass({ registry: clientRegistry, name: 'SportsCar' })
    class SportsCar extends ClientCar {}
    void Boat;
    void Plane;
    void SportsCar;
    return { serverRegistry, clientRegistry };
  }

  async function connectedPair(options: { schemaPolicy?: 'strict' } = {}, reconnect = true) {
    const { serverRegistry, clientRegistry } = registries();
    const { server, port } = await h.listeningServer({ registry: serverRegistry, ...options });
    const connected = nextEvent(server, 'connection');
    const client = await h.connectedClient(port, { registry: clientRegistry, reconnect });
    const [peer] = await connected;
    const make = (registry: Registry, name: string, fields: object): object =>
      Object.assign(new (registry.classByName(name) as new () => object)(), fields);
    return { server, client, peer, serverRegistry, clientRegistry, make };
  }

  it('let the two connect, and a class both know travels', async () => {
    const { server, client, serverRegistry, clientRegistry, make } = await connectedPair();
    const arrived = nextEvent(server, 'message');

    await client.send(make(clientRegistry, 'Car', { speed: 3 }));

    const [car] = await arrived;
    expect(car).toBeInstanceOf(serverRegistry.classByName('Car') as Function);
    expect(car).toEqual(expect.objectContaining({ speed: 3 }));
  });

  it('refuse a send of a class the peer lacks before writing, and the connection stays usable', async () => {
    const { server, client, peer, serverRegistry, clientRegistry, make } = await connectedPair();
    const serverMessages: unknown[] = [];
    server.on('message', (object) => serverMessages.push(object));

    const fromClient = await expectOonError(client.send(make(clientRegistry, 'Plane', { wings: 4 })), 'BadData');
    expect(fromClient.message).toMatch(
      /^peer does not know class `Plane`: 127\.0\.0\.1:\d+ registers no class of that name, so nothing was sent\. Register it on both sides to send it$/,
    );
    const fromServer = await expectOonError(peer.send(make(serverRegistry, 'Boat', { length: 9 })), 'BadData');
    expect(fromServer.message).toMatch(/^peer does not know class `Boat`: 127\.0\.0\.1:\d+ registers no class of that name/);

    const toClient = nextEvent(client, 'message');
    await peer.send(make(serverRegistry, 'Car', { speed: 5 }));
    expect((await toClient)[0]).toBeInstanceOf(clientRegistry.classByName('Car') as Function);
    const toServer = nextEvent(server, 'message');
    await client.send(make(clientRegistry, 'Car', { speed: 6 }));
    expect((await toServer)[0]).toEqual(expect.objectContaining({ speed: 6 }));
    expect(serverMessages).toHaveLength(1);
  });

  it('refuse a class the peer lacks after one it knows was sent, on a link without a session and in requests', async () => {
    // A link remembers the class it sent last and skips the check for it: never for another class.
    const { server, client, serverRegistry, clientRegistry, make } = await connectedPair({}, false);
    server.handle(serverRegistry.classByName('Car') as new () => object, (car) => car);
    const arrived = nextEvent(server, 'message');
    await client.send(make(clientRegistry, 'Car', { speed: 1 }));
    await arrived;
    await expectOonError(client.send(make(clientRegistry, 'Plane', { wings: 4 })), 'BadData', /^peer does not know class `Plane`/);
    await expectOonError(client.send(make(clientRegistry, 'SportsCar', { speed: 2 })), 'BadData', /^peer does not know class `SportsCar`/);
    expect(await client.request(make(clientRegistry, 'Car', { speed: 3 }))).toEqual(expect.objectContaining({ speed: 3 }));
    await expectOonError(client.request(make(clientRegistry, 'Plane', {})), 'BadData', /^peer does not know class `Plane`/);
    expect(await client.request(make(clientRegistry, 'Car', { speed: 4 }))).toEqual(expect.objectContaining({ speed: 4 }));
  });

  it('reject a request of a class the peer lacks the same way', async () => {
    const { client, clientRegistry, make } = await connectedPair();

    await expectOonError(client.request(make(clientRegistry, 'Plane', {})), 'BadData', /^peer does not know class `Plane`/);
  });

  it.each(['binary', 'json'] as const)(
    'are refused before writing when nested inside a class the peer knows, and the link stays up (%s codec)',
    async (codec) => {
      const { serverRegistry, clientRegistry } = registries();
      const { server, port } = await h.listeningServer({ registry: serverRegistry, codec });
      const client = await h.connectedClient(port, { registry: clientRegistry, codec });
      const make = (name: string, fields: object): object => Object.assign(new (clientRegistry.classByName(name) as new () => object)(), fields);
      const serverErrors: unknown[] = [];
      server.on('error', (error) => serverErrors.push(error));

      const err = await expectOonError(client.send(make('Garage', { car: make('SportsCar', { speed: 1 }) })), 'BadData');

      expect(err.message).toBe(
        'body.car: cannot send `SportsCar`: the peer\'s schema cannot read it: the peer has no class `SportsCar` (nor one with it as an alias) (rule class-missing). Nothing was sent; docs/evolution.md says which changes peers can read',
      );
      const arrived = nextEvent(server, 'message');
      await client.send(make('Garage', { car: make('Car', { speed: 2 }) }));
      expect((await arrived)[0]).toEqual(expect.objectContaining({ car: expect.objectContaining({ speed: 2 }) }));
      expect(serverErrors).toEqual([]);
      expect(client.connected).toBe(true);
    },
  );

  it('under strict schemas, arrive as an unknown class when nested inside a class the peer knows: the peer rejects that message, the link goes on', async () => {
    // Strict: the client has no peer schema to resolve by, so only the top-level class is checked before sending.
    const { server, client, clientRegistry, make } = await connectedPair({ schemaPolicy: 'strict' });
    const serverError = nextEvent(server, 'error');
    const rejected = nextEvent(client, 'rejected');
    const troubles: unknown[] = [];
    client.on('disconnect', (reason) => troubles.push(reason));

    await client.send(make(clientRegistry, 'Garage', { car: make(clientRegistry, 'SportsCar', { speed: 1 }) }), { uuid: 'g1' });

    const [error] = await serverError;
    expect(error.code).toBe('BadData');
    expect(error.message).toMatch(/^dropped the Garage message `g1` from 127\.0\.0\.1:\d+: Garage\.car: unknown class `SportsCar`; register it with @NetClass\(\) on the receiving side/);
    const [rejection] = await rejected;
    expect([rejection.id, rejection.className, rejection.error.code]).toEqual(['g1', 'Garage', 'BadData']);
    expect(rejection.error.message).toMatch(/could not read the Garage message `g1` and dropped it: Garage\.car: unknown class `SportsCar`/);
    const toServer = nextEvent(server, 'message');
    await client.send(make(clientRegistry, 'Car', { speed: 7 }));
    expect((await toServer)[0]).toEqual(expect.objectContaining({ speed: 7 }));
    expect(troubles).toEqual([]);
  });
});

describe('a registry that cannot be described', () => {
  it('fails the client whose type thunk throws, and tells the server why', async () => {
    const broken = new Registry();
    class Car {}
    NetField(() => {
      throw new ReferenceError("Cannot access 'Owner' before initialization");
    })(Car.prototype, 'owner');
    broken.register(Car, 'Car');
    const { server, port } = await h.listeningServer();
    const serverError = nextEvent(server, 'error');

    const err = await expectOonError(h.client(port, { registry: broken }).connect(), 'BadData');

    const why = "Car.owner: its type thunk threw (ReferenceError: Cannot access 'Owner' before initialization)";
    expect(err.message.startsWith(why)).toBe(true);
    const [error] = await serverError;
    expect(error.code).toBe('BadData');
    expect(error.message).toMatch(/^client 127\.0\.0\.1:\d+ failed the handshake: 127\.0\.0\.1:\d+ dropped the connection: Car\.owner: its type thunk threw/);
  });

  it('refuses to send a hello over maxFrameBytes, and the server hears why', async () => {
    const { server, port } = await h.listeningServer();
    const serverError = nextEvent(server, 'error');

    const err = await expectOonError(h.client(port, { maxFrameBytes: 64 }).connect(), 'BadData');

    expect(err.message).toMatch(/^this side's hello is \d+ bytes with the schema of its \d+ classes and \d+ enums, over maxFrameBytes \(64\): raise maxFrameBytes on both sides/);
    const [error] = await serverError;
    expect(error.message).toMatch(/dropped the connection: this side's hello is \d+ bytes/);
  });

  it('fails the client whose hello is over the server maxFrameBytes, naming the limit', async () => {
    const { server, port } = await h.listeningServer({ maxFrameBytes: 64 });
    const serverError = nextEvent(server, 'error');

    const err = await expectOonError(h.client(port).connect(), 'BadData');

    expect(err.message).toMatch(/dropped the connection: frame of \d+ bytes is over the limit of 64 bytes: raise maxFrameBytes on both sides/);
    expect((await serverError)[0].message).toMatch(/failed the handshake: frame of \d+ bytes is over the limit of 64 bytes/);
  });
});

describe('on the wire', () => {
  /** A client hello as a raw frame: OON v1, the JSON codec, and the given schema and token. */
  function rawHello(fields: Record<string, unknown>): Uint8Array {
    return encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], ...fields }));
  }

  it('a server refusing a schema sends its hello, with its schema, then the Error frame', async () => {
    const serverRegistry = carRegistry(['speed', () => Number]);
    const { server, port } = await h.listeningServer({ registry: serverRegistry, schemaPolicy: 'strict' });
    server.on('error', () => {});
    const raw = await h.rawPeer(port);

    await raw.write(rawHello({ schema: describeRegistry(carRegistry(['speed', () => String])) }));

    const frames = decodeFrames(await within(1_000, raw.closed, 'the refused peer being dropped'));
    expect(frames.map((f) => f.kind)).toEqual([FrameKind.Hello, FrameKind.Error]);
    const hello = parseHello(frames[0]?.payload as Buffer);
    expect(hello.codec).toBe('json');
    expect(hello.schema).toEqual(describeRegistry(serverRegistry));
    expect(JSON.parse((frames[1]?.payload as Buffer).toString('utf8'))).toEqual({
      code: 'BadData',
      message: `schemas disagree: peer's \`Car.speed\` is string, ours is number. ${ADVICE}`,
    });
  });

  it('a server refusing a token sends no hello, so an unadmitted client never sees its schema', async () => {
    const { server, port } = await h.listeningServer({ registry: carRegistry(['speed', () => Number]), auth: () => false });
    server.on('error', () => {});
    const raw = await h.rawPeer(port);

    await raw.write(rawHello({ token: 'guess', schema: describeRegistry(carRegistry(['speed', () => String])) }));

    const frames = decodeFrames(await within(1_000, raw.closed, 'the refused peer being dropped'));
    expect(frames.map((f) => f.kind)).toEqual([FrameKind.Error]);
    expect(JSON.parse((frames[0]?.payload as Buffer).toString('utf8'))).toEqual({
      code: 'BadConn',
      message: 'authentication failed: the token was refused',
    });
  });

  it('a hello without a schema is admitted unchecked, and the server sends it classes it may not know', async () => {
    const serverRegistry = carRegistry(['speed', () => Number]);
    const { server, port } = await h.listeningServer({ registry: serverRegistry });
    const connected = nextEvent(server, 'connection');
    const raw = await h.rawPeer(port);

    await raw.write(rawHello({}));
    const [peer] = await connected;
    const Car = serverRegistry.classByName('Car') as new () => { speed: number };
    await peer.send(Object.assign(new Car(), { speed: 7 }));
    await peer.close();

    const frames = decodeFrames(await within(1_000, raw.closed, 'the peer closing'));
    expect(frames.map((f) => f.kind)).toEqual([FrameKind.Hello, FrameKind.Message]);
    expect((frames[1]?.payload as Buffer).toString('utf8')).toMatch(/"body": \{"type": "Car", "speed": 7\}/);
  });
});
