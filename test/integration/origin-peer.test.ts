import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetClass, NetField, type OonError } from '@oon/core';
import { OonClient } from '@oon/client';
import { OonServer, type Peer } from '@oon/server';
import { Car, CarMark, FordTruck, TrucTrailer, VolvoCar } from '../../examples/cars/src/cars';
import { Color, Everything, Point } from '../support/extra';
import { PythonPeer } from '../support/python-peer';

const FIXTURES = join(__dirname, '..', 'fixtures', 'oon-0.0.5', 'fixtures');
const fixture = (name: string): string => readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
const UUID = '0123456789';

/** What the Python side revived, as oon_peer.py describes it. */
const pythonFordTruck = {
  class: 'FordTruck',
  fields: {
    mark: { enum: 'CarMark', name: 'Ford' },
    speed: 20,
    trailer: {
      class: 'TrucTrailer',
      fields: {
        car_count: 1,
        car_inside: { class: 'VolvoCar', fields: { mark: { enum: 'CarMark', name: 'Volvo' }, speed: 35, wheels: 4 } },
      },
    },
  },
};

let peers: PythonPeer[] = [];
let servers: OonServer[] = [];
let clients: OonClient[] = [];

afterEach(async () => {
  for (const p of peers) p.kill();
  await Promise.all([...clients.map((c) => c.close()), ...servers.map((s) => s.close())]);
  await Promise.all(peers.map((p) => p.exited));
  peers = [];
  servers = [];
  clients = [];
});

function python(...args: string[]): PythonPeer {
  const peer = new PythonPeer(args);
  peers.push(peer);
  return peer;
}

function expectSeedTruck(truck: unknown): void {
  expect(truck).toBeInstanceOf(FordTruck);
  const t = truck as FordTruck;
  expect(t.speed).toBe(20);
  expect(t.mark).toBe(CarMark.Ford);
  expect(t.trailer).toBeInstanceOf(TrucTrailer);
  expect(t.trailer?.carCount).toBe(1);
  expect(t.trailer?.carInside).toBeInstanceOf(VolvoCar);
  expect(t.trailer?.carInside).toMatchObject({ speed: 35, wheels: 4, mark: CarMark.Volvo });
}

describe("protocol 'oon-0.0.5' against a real Python peer", () => {
  it('OonServer revives what a Python oon client sends, glued or not, and answers in the exact bytes the origin sends', async () => {
    const server = new OonServer({ port: 0, protocol: 'oon-0.0.5' });
    servers.push(server);
    const received: object[] = [];
    const allFour = new Promise<Peer>((resolve) =>
      server.on('message', (object, peer) => {
        received.push(object);
        if (received.length === 4) resolve(peer);
      }),
    );
    const { port } = await server.listen();
    const peer = python('connect', String(port), 'ford_truck', 'volvo_car', 'car_defaults', 'everything');

    for (const name of ['ford_truck', 'volvo_car', 'car_defaults', 'everything']) {
      expect((await peer.next('sent')).raw).toBe(fixture(name)); // the peer speaks the origin's bytes
    }
    const tsPeer = await allFour;
    expectSeedTruck(received[0]);
    expect(received[1]).toBeInstanceOf(VolvoCar);
    expect(received[1]).toMatchObject({ speed: 35, wheels: 4, mark: CarMark.Volvo });
    expect(received[2]).toBeInstanceOf(Car);
    expect(received[2]).toMatchObject({ speed: null, mark: null });
    const everything = received[3] as Everything;
    expect(everything).toBeInstanceOf(Everything);
    expect(everything.origin).toBeInstanceOf(Point);
    expect(everything).toMatchObject({
      flag: true,
      count: -7,
      ratio: 2.5,
      name: 'Привет "q"',
      nothing: null,
      numbers: [1, 2, 3],
      table: { a: 1, b: [true, null] },
      color: Color.Blue,
      origin: { x: 1.5, y: -2 },
    });

    await tsPeer.send(new FordTruck(20, new VolvoCar(35, 4), 1), { uuid: UUID });
    const reply = await peer.next('received');
    expect(reply.raw).toBe(fixture('ford_truck'));
    expect(reply.object).toEqual(pythonFordTruck);
    await tsPeer.close();
    await peer.next('closed');
    expect(await peer.exited).toBe(0);
  });

  it('OonClient receives from a Python oon server and sends it the origin bytes, ignore included', async () => {
    const peer = python('serve', 'ford_truck');
    const { port } = await peer.next('listening');
    const client = new OonClient({ port: port as number, protocol: 'oon-0.0.5' });
    clients.push(client);
    const message = new Promise<object>((resolve) => client.once('message', resolve));
    await client.connect();
    expectSeedTruck(await message);

    await client.send(new VolvoCar(35, 4), { uuid: UUID });
    expect((await peer.next('received')).raw).toBe(fixture('volvo_car'));
    await client.send(new FordTruck(20, new VolvoCar(35, 4), 1), { uuid: UUID, ignore: ['speed'] });
    const ignored = await peer.next('received');
    expect(ignored.raw).toBe(fixture('ford_truck_ignore_speed'));
    expect(ignored.object).toMatchObject({ class: 'FordTruck', fields: { speed: 10 } }); // Python's constructor default
    await client.close();
    await peer.next('closed');
    expect(await peer.exited).toBe(0);
  });

  it('refuses to send what the origin cannot read, saying so, and the connection goes on', async () => {
    @NetClass()
    class Garage {
      @NetField(() => [Car]) cars: Car[] = [];
    }
    const peer = python('serve');
    const { port } = await peer.next('listening');
    const client = new OonClient({ port: port as number, protocol: 'oon-0.0.5' });
    clients.push(client);
    await client.connect();
    const garage = Object.assign(new Garage(), { cars: [new VolvoCar()] });
    await expect(client.send(garage)).rejects.toMatchObject({
      code: 'BadData',
      message: expect.stringContaining("cannot carry a list of objects") as string,
    });
    await client.send(new VolvoCar(35, 4), { uuid: UUID });
    expect((await peer.next('received')).raw).toBe(fixture('volvo_car'));
  });

  it('drops a peer that sends something other than JSON objects, with BadData', async () => {
    const server = new OonServer({ port: 0, protocol: 'oon-0.0.5' });
    servers.push(server);
    const failed = new Promise<OonError>((resolve) => server.once('error', resolve));
    const { port } = await server.listen();
    const client = new OonClient({ port, protocol: 'oon-0.0.5' });
    clients.push(client);
    await client.connect();
    // Reach under the client to write raw bytes, as a broken origin peer would.
    const { connect } = await import('node:net');
    const raw = connect(port, '127.0.0.1', () => raw.write('GET / HTTP/1.1\r\n\r\n'));
    const error = await failed;
    expect(error.code).toBe('BadData');
    expect(error.message).toContain('does not start a JSON object');
    await new Promise((resolve) => raw.once('close', resolve));
    expect(client.connected).toBe(true);
  });
});
