/**
 * Two versions of a model over real sockets, with the default `schemaPolicy:
 * 'compatible'` (docs/evolution.md): the handshake succeeds, each side reads the other's
 * classes by the resolution rules, messages and requests travel both ways, and a class
 * one side cannot read fails only the sends that carry it, on the sender.
 */
import { NetClass, NetField, Registry, t } from '@oon/core';
import { expectOonError, harness, nextEvent } from '../support/harness';

const h = harness();
afterEach(() => h.closeAll());

/** Version 1: what the clients run. */
function version1() {
  const registry = new Registry();
  @NetClass({ registry, name: 'Car' })
  class Car {
    @NetField() speed: number = 0;
    @NetField(t.int) wheels: number = 4;
    @NetField() plate: string = 'none';
  }
  @NetClass({ registry, name: 'Ping' })
  class Ping {
    @NetField(t.int) n: number = 0;
  }
  @NetClass({ registry, name: 'Quote' })
  class Quote {
    @NetField() price: number = 0;
  }
  return { registry, Car, Ping, Quote };
}

/** Version 2: `Car` lost `plate` and gained `colour` and `owner`; `Ping` gained `note`; `Quote.price` became a string. */
function version2() {
  const registry = new Registry();
  @NetClass({ registry, name: 'Person' })
  class Person {
    @NetField() name: string = '';
  }
  @NetClass({ registry, name: 'Car' })
  class Car {
    @NetField() speed: number = 0;
    @NetField(t.int) wheels: number = 4;
    @NetField() colour: string = 'red';
    @NetField(() => Person) owner: Person | null = null;
  }
  @NetClass({ registry, name: 'Ping' })
  class Ping {
    @NetField(t.int) n: number = 0;
    @NetField() note: string = 'hi';
  }
  @NetClass({ registry, name: 'Quote' })
  class Quote {
    @NetField() price: string = '';
  }
  return { registry, Person, Car, Ping, Quote };
}

describe.each(['binary', 'json'] as const)('a v1 client and a v2 server (%s codec)', (codec) => {
  async function connected() {
    const v1 = version1();
    const v2 = version2();
    const { server, port } = await h.listeningServer({ registry: v2.registry, codec });
    const connection = nextEvent(server, 'connection');
    const client = await h.connectedClient(port, { registry: v1.registry, codec });
    const [peer] = await connection;
    return { v1, v2, server, client, peer };
  }

  it('connect, and messages cross both ways as the reader class, with its defaults', async () => {
    const { v1, v2, server, client, peer } = await connected();

    const atServer = nextEvent(server, 'message');
    await client.send(Object.assign(new v1.Car(), { speed: 80, wheels: 6, plate: 'AB' }));
    const [car] = await atServer;
    expect(car).toBeInstanceOf(v2.Car);
    expect(car).toEqual(Object.assign(new v2.Car(), { speed: 80, wheels: 6 }));

    const atClient = nextEvent(client, 'message');
    await peer.send(Object.assign(new v2.Car(), { speed: 5, colour: 'blue', owner: Object.assign(new v2.Person(), { name: 'Ada' }) }));
    const [back] = await atClient;
    expect(back).toBeInstanceOf(v1.Car);
    expect(back).toEqual(Object.assign(new v1.Car(), { speed: 5 }));
  });

  it('answer requests both ways', async () => {
    const { v1, v2, server, client, peer } = await connected();
    server.handle(v2.Ping, (ping) => Object.assign(new v2.Ping(), { n: ping.n + 1, note: `${ping.note}!` }));
    client.handle(v1.Ping, (ping) => Object.assign(new v1.Ping(), { n: ping.n * 10 }));

    const reply = await client.request(Object.assign(new v1.Ping(), { n: 1 }));
    expect(reply).toEqual(Object.assign(new v1.Ping(), { n: 2 }));
    expect(reply).toBeInstanceOf(v1.Ping);
    const answer = await peer.request(Object.assign(new v2.Ping(), { n: 3, note: 'x' }));
    expect(answer).toEqual(Object.assign(new v2.Ping(), { n: 30, note: 'hi' }));
    expect(answer).toBeInstanceOf(v2.Ping);
  });

  it('report, on both sides, each class the other cannot read, with its rule', async () => {
    const { client, peer } = await connected();
    const quote = {
      rule: 'type-changed',
      class: 'Quote',
      field: 'price',
    };

    expect(client.schemaProblems?.send).toEqual([expect.objectContaining(quote)]);
    expect(client.schemaProblems?.receive).toEqual([
      expect.objectContaining({ rule: 'class-missing', class: 'Person' }),
      expect.objectContaining(quote),
    ]);
    expect(peer.schemaProblems?.send.map((p) => `${p.class}: ${p.rule}`)).toEqual(['Person: class-missing', 'Quote: type-changed']);
    expect(peer.schemaProblems?.receive.map((p) => `${p.class}: ${p.rule}`)).toEqual(['Quote: type-changed']);
  });

  it('fail only the send of a class the peer cannot read, on the sender, and the link and other classes go on', async () => {
    const { v1, v2, server, client, peer } = await connected();
    const serverErrors: unknown[] = [];
    server.on('error', (error) => serverErrors.push(error));
    const arrived: unknown[] = [];
    server.on('message', (object) => arrived.push(object));

    const refused = await expectOonError(client.send(Object.assign(new v1.Quote(), { price: 3 })), 'BadData');
    expect(refused.message).toBe(
      "body: cannot send `Quote`: the peer's schema cannot read it: `Quote.price` is number in this side's schema, string in the peer's: a number cannot be read as a string (rule type-changed). Nothing was sent; docs/evolution.md says which changes peers can read",
    );
    await expectOonError(client.request(new v1.Quote()), 'BadData', /cannot send `Quote`/);
    await expectOonError(peer.send(new v2.Person()), 'BadData', /^peer does not know class `Person`/);
    await expectOonError(peer.send(new v2.Quote()), 'BadData', /cannot send `Quote`: .*string in this side's schema, number in the peer's/);

    const next = nextEvent(server, 'message');
    await client.send(Object.assign(new v1.Ping(), { n: 9 }));
    expect((await next)[0]).toEqual(Object.assign(new v2.Ping(), { n: 9 }));
    expect(arrived).toHaveLength(1);
    expect(serverErrors).toEqual([]);
    expect(client.connected).toBe(true);
  });
});

describe('a field declared () => Object', () => {
  /** A `Box` whose field is declared `() => Object`, beside a `Car` with these fields (so two registries differ). */
  function boxRegistry(carFields: number) {
    const registry = new Registry();
    class Car {}
    for (let i = 0; i < carFields; i++) NetField(t.int)(Car.prototype, `f${i}`);
    registry.register(Car, 'Car');
    @NetClass({ registry, name: 'Box' })
    class Box {
      @NetField(() => Object) payload: object | null = null;
    }
    return { registry, Box };
  }

  it('fails connect() with BadData saying what to declare, rather than passing the hello and failing each send once the schemas differ', async () => {
    const { port } = await h.listeningServer({ registry: boxRegistry(2).registry });
    const client = h.client(port, { registry: boxRegistry(1).registry });

    const err = await expectOonError(client.connect(), 'BadData');

    expect(err.message.startsWith(
      'Box.payload: Object is not a type OON can send (it says nothing of what the field holds, so two schemas cannot agree on it); declare t.json for plain JSON data, or the @NetClass class its values are, as in () => Car (registered subclasses of it travel too)',
    )).toBe(true);
    expect(client.connected).toBe(false);
  });
});

describe('a field declared with a plain base class', () => {
  /**
   * A `Garage` whose field is declared `() => Vehicle`, `Vehicle` a base class with a
   * field, `Bike` its registered subclass; `Vehicle` is registered too when
   * `registerBase`, and a `Note` when `withNote` (so two registries differ).
   */
  function garageRegistry(withNote: boolean, registerBase: boolean) {
    const registry = new Registry();
    class Vehicle {
      @NetField(t.int) wheels = 4;
    }
    class Bike extends Vehicle {
      @NetField(t.int) gears = 1;
    }
    class Note {
      @NetField(t.string) text = '';
    }
    if (withNote) registry.register(Note, 'Note');
    if (registerBase) registry.register(Vehicle, 'Vehicle');
    registry.register(Bike, 'Bike');
    @NetClass({ registry, name: 'Garage' })
    class Garage {
      @NetField(() => Vehicle) vehicle: Vehicle | null = null;
    }
    return { registry, Garage, Vehicle, Bike };
  }

  it('fails connect() with BadData naming the class and what to do, rather than passing the hello and failing each send once the schemas differ', async () => {
    const { port } = await h.listeningServer({ registry: garageRegistry(true, false).registry });
    const client = h.client(port, { registry: garageRegistry(false, false).registry });

    const err = await expectOonError(client.connect(), 'BadData');

    expect(err.message.startsWith(
      "Garage.vehicle: class Vehicle is not registered, and a peer's schema names registered classes only, so two schemas cannot agree on the field; register Vehicle with @NetClass in the same registry (its registered subclasses still travel as themselves), or declare the @NetClass class its values are",
    )).toBe(true);
    expect(client.connected).toBe(false);
  });

  it.each(['binary', 'json'] as const)('carries the base and its subclass across differing schemas once the base is registered (%s codec)', async (codec) => {
    const server = garageRegistry(true, true);
    const ours = garageRegistry(false, true);
    const { server: oon, port } = await h.listeningServer({ registry: server.registry, codec });
    const client = await h.connectedClient(port, { registry: ours.registry, codec });
    const bike = Object.assign(new ours.Bike(), { wheels: 2, gears: 7 });
    const arrived = new Promise<object[]>((resolve) => {
      const got: object[] = [];
      oon.on('message', (garage) => got.push(garage) === 2 && resolve(got));
    });

    await client.send(Object.assign(new ours.Garage(), { vehicle: bike }));
    await client.send(Object.assign(new ours.Garage(), { vehicle: new ours.Vehicle() }));

    const [first, second] = (await arrived) as InstanceType<typeof server.Garage>[];
    expect(first).toBeInstanceOf(server.Garage);
    expect(first?.vehicle).toBeInstanceOf(server.Bike);
    expect(first?.vehicle).toMatchObject({ wheels: 2, gears: 7 });
    expect(second?.vehicle?.constructor).toBe(server.Vehicle);
    expect(second?.vehicle).toMatchObject({ wheels: 4 });
  });
});
