/**
 * Classes by number and message ids only when wanted (docs/protocol.md, "Class numbers"
 * and "Message ids"), over real sockets: what a small message costs on the wire, classes
 * registered after the handshake, classes the peer lacks, and peers that predate numbers.
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { NetClass, NetField, NetMessage, Registry, t } from '@oon/core';
import { BinaryCodec, describeRegistry, encodeFrame, FrameKind } from '@oon/wire';
import { classNumbering } from '@oon/wire/internal';
import type { OonClient } from '@oon/client';
import { FordTruck, VolvoCar } from '../../examples/cars/src/cars';
import { collectEvents, decodeFrames, harness, LOOPBACK, nextEvent, within } from '../support/harness';
import { waitUntil } from '../support/wait-until';

const h = harness();
const servers: Server[] = [];
afterEach(async () => {
  await h.closeAll();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback proxy to `port` that counts the bytes the client sends. */
async function countingProxy(port: number): Promise<{ port: number; sent: () => number }> {
  let sent = 0;
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect(port, LOOPBACK);
    sockets.push(client, upstream);
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  servers.push(server);
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, sent: () => sent };
}

/** The seed's truck: a FordTruck at 20 carrying a VolvoCar at 35 with 4 wheels. */
const seedTruck = (): FordTruck => new FordTruck(20, new VolvoCar(35, 4), 1);

/** Two registries that start alike (a server's and a client's, as if in two processes). */
function twoSides(): { server: Registry; client: Registry; base: (r: Registry) => new () => object } {
  const server = new Registry();
  const client = new Registry();
  const bases = new Map<Registry, new () => object>();
  for (const registry of [server, client]) {
    @NetClass({ registry, name: 'late.Box' })
    class Box {
      @NetField(t.json) content: unknown = null;
    }
    bases.set(registry, Box);
  }
  return { server, client, base: (r) => bases.get(r) as new () => object };
}

/** Registers a class `late.<name>` with one number field in `registry`, after the handshake. */
function lateClass(registry: Registry, name: string): new (n?: number) => { n: number | null } {
  @NetClass({ registry, name: `late.${name}` })
  class Late {
    @NetField(t.number) n: number | null = null;
    constructor(n?: number) {
      if (n !== undefined) this.n = n;
    }
  }
  return Late;
}

describe('a small message over a connection', () => {
  it('takes 24 bytes on the wire without a session and 32 with one: classes by number, no id (69 and 77 before)', async () => {
    const { server, port } = await h.listeningServer<FordTruck>();
    for (const reconnect of [false, true]) {
      const proxy = await countingProxy(port);
      const client = await h.connectedClient(proxy.port, { reconnect });
      // The handshake's bytes are behind us once the server has the client's hello and the client the server's.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const before = proxy.sent();
      const received = nextEvent(server, 'message');
      await client.send(seedTruck());
      const [truck, , message] = await received;
      expect(truck).toBeInstanceOf(FordTruck);
      expect(truck).toStrictEqual(seedTruck());
      expect(message.uuid).toMatch(reconnect ? /^[0-9a-f-]{36}:1$/ : /^[0-9a-f]{10}:1$/);
      // Acks flow the other way; the client sends nothing else in between.
      expect(proxy.sent() - before).toBe(reconnect ? 32 : 24);
      await client.close();
    }
  });

  it('carries a uuid given by the user unchanged, with a session and without', async () => {
    const { server, port } = await h.listeningServer<FordTruck>();
    for (const reconnect of [false, true]) {
      const client = await h.connectedClient(port, { reconnect });
      const received = nextEvent(server, 'message');
      await client.send(seedTruck(), { uuid: 'order-0042' });
      const [, , message] = await received;
      expect(message.uuid).toBe('order-0042');
      await client.close();
    }
  });
});

describe('classes registered after the handshake', () => {
  it('travel by definition and arrive as instances, beside classes sent by number', async () => {
    const sides = twoSides();
    const { server, port } = await h.listeningServer({ registry: sides.server });
    const client = await h.connectedClient(port, { registry: sides.client });
    const ServerLate = lateClass(sides.server, 'Late');
    const ClientLate = lateClass(sides.client, 'Late');
    const received = collectEvents(server, 'message', 2);

    await client.send(new ClientLate(7));
    const box = Object.assign(new (sides.base(sides.client))(), { content: { a: 1 } });
    await client.send(box);

    const [first, second] = (await received).map(([object]) => object);
    expect(first).toBeInstanceOf(ServerLate);
    expect((first as { n: number }).n).toBe(7);
    expect(second).toBeInstanceOf(sides.base(sides.server));
  });

  it('one the peer lacks is rejected by it with the error a class named by definition always had', async () => {
    const sides = twoSides();
    const { port } = await h.listeningServer({ registry: sides.server });
    const client = await h.connectedClient(port, { registry: sides.client });
    const Extra = lateClass(sides.client, 'Extra');
    const rejected = nextEvent(client, 'rejected');

    await client.send(new Extra(1), { uuid: 'x-1' });

    const [rejection] = await rejected;
    expect(rejection.id).toBe('x-1');
    expect(rejection.className).toBe('late.Extra');
    expect(rejection.error.message).toMatch(
      /could not read the late\.Extra message `x-1` and dropped it: body: unknown class `late\.Extra`; register it with @NetClass\(\) on the receiving side/,
    );
  });

  it('one the peer lacks from the start is refused before sending, as before', async () => {
    const sides = twoSides();
    const Extra = lateClass(sides.client, 'Extra');
    const { port } = await h.listeningServer({ registry: sides.server });
    const client: OonClient = await h.connectedClient(port, { registry: sides.client });
    await expect(client.send(new Extra(1))).rejects.toThrow(/peer does not know class `late\.Extra`/);
  });
});

describe('peers that predate class numbers', () => {
  /** A raw peer whose hello offers the binary codec and the schema, and `classNumbers` when given. */
  async function rawBinaryPeer(classNumbers?: readonly string[]) {
    const { server, port } = await h.listeningServer<FordTruck>();
    const connected = nextEvent(server, 'connection');
    const raw = await h.rawPeer(port);
    const hello = { protocol: 'oon', version: 1, codecs: ['binary'], schema: describeRegistry(), ...(classNumbers === undefined ? {} : { classNumbers }) };
    await raw.write(encodeFrame(FrameKind.Hello, JSON.stringify(hello)));
    const [peer] = await connected;
    return { server, peer, raw };
  }

  async function frames(raw: Awaited<ReturnType<typeof rawBinaryPeer>>['raw'], count: number) {
    return within(
      2_000,
      (async () => {
        for (;;) {
          const seen = decodeFrames(raw.received());
          if (seen.length >= count) return seen;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })(),
      `${count} frames`,
    );
  }

  it('an older OON peer (no classNumbers in its hello) gets format 1 byte for byte, with a 10-hex uuid', async () => {
    const { peer, raw } = await rawBinaryPeer();
    await peer.send(seedTruck());
    const [hello, message] = await frames(raw, 2);
    expect(JSON.parse((hello?.payload as Buffer).toString('utf8'))).toHaveProperty('classNumbers');
    const payload = message?.payload as Buffer;
    expect(payload[0]).toBe(1);
    const uuid = payload.subarray(2, 12).toString('utf8');
    expect(uuid).toMatch(/^[0-9a-f]{10}$/);
    expect(payload).toEqual(Buffer.from(new BinaryCodec().encode(new NetMessage(seedTruck(), { uuid }))));
  });

  it('a number the receiver cannot resolve fails that message with the same error as a name it lacks', async () => {
    const numbers = [...classNumbering(), 'Nope'];
    const { server, raw } = await rawBinaryPeer(numbers);
    const errored = collectEvents(server, 'error', 2);
    // Format 2, no id: a plain object of class number N (`Nope`), no fields; then the same by definition.
    const byNumber = Buffer.from([2, 3, numbers.length]);
    const byName = Buffer.from([1, 2, 0x6d, 0x31, 3, 0, 4, ...Buffer.from('Nope'), 0]);
    await raw.write(encodeFrame(FrameKind.Message, byNumber));
    await raw.write(encodeFrame(FrameKind.Message, byName));

    const [first, second] = (await errored).map(([error]) => error.message);
    const reason = 'body: unknown class `Nope`; register it with @NetClass() on the receiving side';
    expect(first).toMatch(/^dropped the Nope message `[0-9a-f]{10}:1` from 127\.0\.0\.1:\d+: /);
    expect(first).toContain(reason);
    expect(second).toMatch(/^dropped the Nope message `m1` from 127\.0\.0\.1:\d+: /);
    expect(second).toContain(reason);
    const seen = await frames(raw, 3);
    const reports = seen.filter((f) => f.kind === FrameKind.Rejected).map((f) => JSON.parse(f.payload.toString('utf8')) as Record<string, unknown>);
    expect(reports.map((r) => r['class'])).toEqual(['Nope', 'Nope']);
    expect(reports[0]?.['message']).toBe(reports[1]?.['message']);
    await waitUntil(() => server.peers.size === 1, 1_000, () => 'the link to stay up');
  });
});
