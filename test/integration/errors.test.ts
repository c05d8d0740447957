/**
 * What a user sees when things go wrong on real loopback sockets: which OonError code a
 * call rejects with, what its message says, and that the endpoint is still usable.
 */
import { BadConnError, BadDataError, NetMessage, OonError, StartFailError, TimeoutError } from '@oon/core';
import { decodeFrames, expectOonError, harness, within, nextEvent } from '../support/harness';
import { FrameKind } from '@oon/wire';
import { linkCodec } from '../support/link-codec';
import { FordTruck, VolvoCar } from '../../examples/cars/src/cars';
import { Everything } from '../support/extra';

const h = harness();
afterEach(() => h.closeAll());

/** A class that was never decorated with @NetClass. */
class Bicycle {
  gears = 21;
}

/** The size of a message frame (kind + payload) as a link between OON peers writes it (binary, by class numbers). */
function frameBytes(object: object, uuid: string): number {
  return linkCodec().encode(new NetMessage(object, { uuid })).byteLength + 1;
}

describe('listen', () => {
  it('rejects with StartFail naming the port when the port is taken', async () => {
    const { port } = await h.rawServer();
    const server = h.server({ port });

    const err = await expectOonError(server.listen(), 'StartFail', String(port));

    expect(err).toBeInstanceOf(StartFailError);
    expect(err.message).toMatch(/in use/);
    expect(err.resultCode).toBe(1);
    expect(server.listening).toBe(false);
  });

  it('rejects a second listen() with StartFail and keeps serving on the first', async () => {
    const { server, port } = await h.listeningServer();

    await expectOonError(server.listen(), 'StartFail', /already listening/);

    expect(server.listening).toBe(true);
    expect(server.address()?.port).toBe(port);
    const client = await h.connectedClient(port);
    expect(client.connected).toBe(true);
  });

  it('rejects a listen() made while the first is still binding', async () => {
    const server = h.server();
    const first = server.listen();

    await expectOonError(server.listen(), 'StartFail', /already listening/);
    await expect(first).resolves.toEqual(expect.objectContaining({ port: expect.any(Number) }));
  });
});

describe('connect', () => {
  it('rejects with BadConn when nothing listens on the port', async () => {
    const { server, port } = await h.listeningServer();
    await server.close();
    const client = h.client(port);

    const err = await expectOonError(client.connect(), 'BadConn', /ECONNREFUSED/);

    expect(err).toBeInstanceOf(BadConnError);
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(client.connected).toBe(false);
    // A failed attempt leaves the client free to try again: it fails the same way, not "already connecting".
    await expectOonError(client.connect(), 'BadConn', /ECONNREFUSED/);
  });

  it('rejects with Timeout within connectTimeout when the server accepts but never speaks', async () => {
    const accepted: Array<Promise<unknown>> = [];
    const { port } = await h.rawServer((socket) => accepted.push(new Promise((resolve) => socket.once('close', resolve))));
    const client = h.client(port, { connectTimeout: 200 });
    const started = Date.now();

    const err = await within(1_500, expectOonError(client.connect(), 'Timeout', /200 ms/), 'connect()');

    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toMatch(/connectTimeout/);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(client.connected).toBe(false);
    // The client hung up: the silent server's side of the socket closes too.
    expect(accepted).toHaveLength(1);
    await within(1_000, accepted[0] as Promise<unknown>, 'the abandoned socket closing');
  });

  it('rejects a second connect() with BadConn while connected', async () => {
    const { port } = await h.listeningServer();
    const client = await h.connectedClient(port);

    await expectOonError(client.connect(), 'BadConn', /already connected/);

    expect(client.connected).toBe(true);
  });
});

describe('handshake', () => {
  it('drops a client that sends no hello within handshakeTimeout, with a Timeout error event', async () => {
    const { server, port } = await h.listeningServer({ handshakeTimeout: 200 });
    const errored = nextEvent(server, 'error');
    const raw = await h.rawPeer(port);

    const [err, peer] = await errored;
    const received = await within(1_000, raw.closed, 'the silent peer being dropped');

    expect(err).toBeInstanceOf(OonError);
    expect(err.code).toBe('Timeout');
    expect(err.message).toMatch(/handshakeTimeout/);
    expect(peer).toBeUndefined();
    const frames = decodeFrames(received);
    expect(frames.map((f) => f.kind)).toEqual([FrameKind.Error]); // the server answers a hello only
    expect(JSON.parse((frames[0]?.payload ?? '').toString())).toEqual(expect.objectContaining({ code: 'Timeout' }));
    expect(server.peers.size).toBe(0);
  });
});

describe('send', () => {
  it('rejects with BadConn on a client that never connected', async () => {
    const { port } = await h.listeningServer();
    const client = h.client(port);

    await expectOonError(client.send(new VolvoCar()), 'BadConn', /not connected/);
  });

  it('rejects with BadConn after the client closed', async () => {
    const { port } = await h.listeningServer();
    const client = await h.connectedClient(port);
    await client.close();

    await expectOonError(client.send(new VolvoCar()), 'BadConn', /not connected/);
  });

  it('rejects with BadConn once the server dropped the client, and peer.send to a gone peer too', async () => {
    const { server, port } = await h.listeningServer();
    const connection = nextEvent(server, 'connection');
    const client = await h.connectedClient(port);
    const [peer] = await connection;
    const gone = nextEvent(client, 'disconnect');

    await peer.close();
    await gone;

    await expectOonError(client.send(new VolvoCar()), 'BadConn');
    await expectOonError(peer.send(new VolvoCar()), 'BadConn', /closed/);
  });

  it('rejects an object of an unregistered class with BadData, sends nothing, and stays usable', async () => {
    const { server, port } = await h.listeningServer();
    const client = await h.connectedClient(port);
    const received = nextEvent(server, 'message');

    const err = await expectOonError(client.send(new Bicycle()), 'BadData', /instance of Bicycle.*@NetClass/);
    expect(err).toBeInstanceOf(BadDataError);
    await expectOonError(client.send({ speed: 3 }), 'BadData', /plain object/);

    expect(client.connected).toBe(true);
    await client.send(new VolvoCar(42, 4));
    const [car] = await received;
    // The first thing the server heard is the valid car: the refused objects never left.
    expect(car).toBeInstanceOf(VolvoCar);
    expect((car as VolvoCar).speed).toBe(42);
  });

  it('rejects a field of the wrong type with BadData naming its path, from either side', async () => {
    const { server, port } = await h.listeningServer();
    const connection = nextEvent(server, 'connection');
    const client = await h.connectedClient<VolvoCar>(port);
    const [peer] = await connection;
    const bad = new VolvoCar();
    (bad as unknown as { speed: unknown }).speed = 'fast';
    const received = nextEvent(client, 'message');

    await expectOonError(
      client.send(new FordTruck(20, bad, 1)),
      'BadData',
      'body.trailer.car_inside.speed: expected number, got string "fast"',
    );
    await expectOonError(peer.send(bad), 'BadData', 'body.speed: expected number, got string "fast"');

    await peer.send(new VolvoCar(7, 4));
    const [car] = await received;
    expect(car).toBeInstanceOf(VolvoCar);
    expect(car.speed).toBe(7);
  });

  it('rejects a message over maxFrameBytes with BadData, sends nothing, and stays usable', async () => {
    // The limit must leave room for the hello, which carries the registry's schema.
    const limit = 8192;
    const smallId = 'a'.repeat(10);
    const bigId = 'b'.repeat(10);
    const named = (length: number): Everything => Object.assign(new Everything(), { name: 'x'.repeat(length) });
    // The longest name whose frame fits the limit (a longer string may take a longer length prefix).
    let padding = limit - frameBytes(named(0), smallId);
    while (frameBytes(named(padding), smallId) > limit) padding--;
    const small = named(padding);
    const big = named(padding + 1);
    const smallBytes = frameBytes(small, smallId);
    const bigBytes = frameBytes(big, bigId);
    expect(bigBytes).toBeGreaterThan(smallBytes);
    const { server, port } = await h.listeningServer();
    // The limit fits the small message exactly (the limit is inclusive), and not the big one.
    // Without reconnect, message frames carry no sequence number to count in.
    const client = await h.connectedClient(port, { maxFrameBytes: smallBytes, reconnect: false });
    const received = nextEvent(server, 'message');

    const err = await expectOonError(client.send(big, { uuid: bigId }), 'BadData', /over maxFrameBytes/);
    expect(err.message).toContain(String(bigBytes));
    expect(err.message).toContain(String(smallBytes));
    expect(err.message).toMatch(/nothing was sent/);

    expect(client.connected).toBe(true);
    await client.send(small, { uuid: smallId });
    const [arrived, , message] = await received;
    expect(arrived).toBeInstanceOf(Everything);
    expect((arrived as Everything).name).toHaveLength(padding);
    expect(message.uuid).toBe(smallId);
  });

  it('reports a broadcast of an unregistered object as failed for each peer, with BadData, without rejecting', async () => {
    const { server, port } = await h.listeningServer();
    const connection = nextEvent(server, 'connection');
    await h.connectedClient(port);
    const [peer] = await connection;

    const result = await server.broadcast(new Bicycle());
    expect(result).toMatchObject({ delivered: 0, evicted: 0, failed: 1 });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.peer).toBe(peer);
    await expectOonError(Promise.reject(result.failures[0]?.error), 'BadData', /Bicycle/);
  });
});
