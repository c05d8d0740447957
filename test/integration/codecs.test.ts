/**
 * The codecs over real sockets: binary by default between OON peers, JSON when either
 * side asks for it, and an object graph with Map, Set, Date, bigint, bytes, subclasses
 * and shared references arriving whole either way.
 */
import { NetClass, NetField, Registry, t } from '@oon/core';
import { type OonServerOptions } from '@oon/server';
import { decodeFrames, expectOonError, harness, nextEvent } from '../support/harness';
import { encodeFrame, FrameKind } from '@oon/wire';

const registry = new Registry();

@NetClass({ registry })
class Part {
  @NetField(t.string) name = '';
  @NetField(t.date) madeAt = new Date(0);
}

@NetClass({ registry })
class Wheel extends Part {
  @NetField(t.int) size = 16;
}

@NetClass({ registry, references: true })
class Owner {
  @NetField(t.string) name = '';
  @NetField(() => t.set(Owner)) friends = new Set<Owner>();
}

@NetClass({ registry })
class Workshop {
  @NetField(() => t.map(String, [Part])) shelves = new Map<string, Part[]>();
  @NetField(() => t.set(t.string)) tags = new Set<string>();
  @NetField(t.bigint) revenue = 0n;
  @NetField(t.bytes) logo: Uint8Array | null = null;
  @NetField(() => Owner) owner: Owner | null = null;
  @NetField(() => Owner) coOwner: Owner | null = null;
  @NetField(t.optional(t.date)) closedAt?: Date;
}

function workshop(): Workshop {
  const ann = Object.assign(new Owner(), { name: 'ann' });
  ann.friends.add(ann);
  return Object.assign(new Workshop(), {
    shelves: new Map<string, Part[]>([
      ['front', [Object.assign(new Wheel(), { name: 'w1', size: 18, madeAt: new Date('2024-05-01T10:00:00Z') })]],
      ['back', [Object.assign(new Part(), { name: 'bolt' }), Object.assign(new Wheel(), { name: 'w2' })]],
    ]),
    tags: new Set(['fast', 'cheap']),
    revenue: 12_345_678_901_234_567_890n,
    logo: Buffer.from([0xde, 0xad]),
    owner: ann,
    coOwner: ann,
    closedAt: undefined,
  });
}

/** Checks that what arrived is the workshop sent: classes, values and identity. */
function expectWorkshop(received: unknown): void {
  expect(received).toBeInstanceOf(Workshop);
  const got = received as Workshop;
  expect(got).toStrictEqual(workshop());
  expect(got.shelves.get('front')?.[0]).toBeInstanceOf(Wheel);
  expect(got.shelves.get('back')?.map((p) => p.constructor)).toEqual([Part, Wheel]);
  expect(got.coOwner).toBe(got.owner);
  expect([...(got.owner as Owner).friends][0]).toBe(got.owner);
}

/** The codec a server picks for a client that offers `codecs`, read from its hello by a raw peer. */
async function codecChosenFor(port: number, codecs: string[]): Promise<string> {
  const raw = await h.rawPeer(port);
  await raw.write(encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs })));
  for (let waited = 0; waited < 5_000; waited += 10) {
    const [hello] = decodeFrames(raw.received());
    if (hello !== undefined) return (JSON.parse(hello.payload.toString('utf8')) as { codec: string }).codec;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no server hello within 5 s');
}

const h = harness();
afterEach(() => h.closeAll());

const options: OonServerOptions = { registry };

describe('the binary codec, the default', () => {
  it('is what a server picks when a client offers both', async () => {
    const { port } = await h.listeningServer(options);
    expect(await codecChosenFor(port, ['json', 'binary'])).toBe('binary');
  });

  it('carries a graph with Map, Set, Date, bigint, bytes, subclasses and shared objects, both ways', async () => {
    const { server, port } = await h.listeningServer<Workshop>(options);
    const connection = nextEvent(server, 'connection');
    const client = await h.connectedClient<Workshop>(port, { registry });
    const [peer] = await connection;

    const atServer = nextEvent(server, 'message');
    await client.send(workshop());
    expectWorkshop((await atServer)[0]);

    const atClient = nextEvent(client, 'message');
    await peer.send(workshop());
    expectWorkshop((await atClient)[0]);
  });
});

describe("codec: 'json'", () => {
  it('makes a server pick json even when the client prefers binary', async () => {
    const { port } = await h.listeningServer({ ...options, codec: 'json' });
    expect(await codecChosenFor(port, ['binary', 'json'])).toBe('json');
  });

  it('carries the same graph when the client asks for json', async () => {
    const { server, port } = await h.listeningServer<Workshop>(options);
    const client = await h.connectedClient<Workshop>(port, { registry, codec: 'json' });
    const atServer = nextEvent(server, 'message');
    await client.send(workshop());
    expectWorkshop((await atServer)[0]);
  });

  it('fails the handshake with BadData when the two sides share no codec', async () => {
    const { port } = await h.listeningServer({ ...options, codec: 'json' });
    await expectOonError(h.client(port, { registry, codec: 'binary' }).connect(), 'BadData', /no codec in common/);
  });

  it('refuses, when an endpoint is created, a codec it does not know (TypeError) and a bad limit (RangeError)', () => {
    expect(() => h.server({ ...options, codec: 'xml' as 'json' })).toThrow(new TypeError("codec must be 'binary' or 'json', got xml"));
    expect(() => h.client(1, { codec: 'xml' as 'json' })).toThrow(TypeError);
    expect(() => h.client(1, { maxCollectionLength: -1 })).toThrow(RangeError);
  });
});
