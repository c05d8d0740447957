/**
 * Session flow control over real sockets: while connected, a send that does not fit
 * under `maxBufferedBytes` of unacknowledged messages waits for the peer's acks instead
 * of failing; and what a session resends on reconnect is bounded by the session, not
 * evicted as a slow consumer.
 */
import type { Socket } from 'node:net';
import { NetClass, NetField } from '@oon/core';
import { encodeFrame, FrameKind } from '@oon/wire';
import type { OonClient } from '@oon/client';
import type { Peer } from '@oon/server';
import { Tick } from '../../examples/reconnect/src/tick';
import { cutProxy, type CutProxy } from '../support/cut-proxy';
import { expectOonError, harness, nextEvent } from '../support/harness';
import { waitUntil } from '../support/wait-until';

@NetClass('flow.Chunk')
class Chunk {
  @NetField() n: number;
  @NetField() body: string;
  constructor(n = 0, body = '') {
    this.n = n;
    this.body = body;
  }
}

const h = harness();
const proxies: CutProxy[] = [];
afterEach(async () => {
  await h.closeAll();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

const FAST = { initialDelay: 10, maxDelay: 100 };
const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

async function proxyTo(port: number): Promise<CutProxy> {
  const proxy = await cutProxy(port);
  proxies.push(proxy);
  return proxy;
}

/** Whether `got` is `0..count-1`, each once, in order (without building a 200,000-element diff on failure). */
function inOrder(got: number[], count: number): string {
  if (got.length !== count) return `${got.length} of ${count} arrived`;
  const wrong = got.findIndex((n, i) => n !== i);
  return wrong < 0 ? 'all in order' : `#${wrong} was ${got[wrong]}`;
}

async function takeDown(proxy: CutProxy, client: OonClient<any>): Promise<void> {
  proxy.refuse = true;
  const down = nextEvent(client, 'disconnect', 5_000);
  proxy.cutNow();
  await down;
}

describe('session flow control while connected', () => {
  it('lets a client fire 200,000 sends without awaiting, far past maxBufferedBytes: each resolves, all arrive once, in order', async () => {
    const COUNT = 200_000;
    const { server, port } = await h.listeningServer<Tick>({ maxBufferedBytes: 64 * 1024 });
    const atServer: number[] = [];
    server.on('message', (tick) => atServer.push(tick.n));
    const client = await h.connectedClient<Tick>(port, { maxBufferedBytes: 64 * 1024 });
    const errors: unknown[] = [];
    client.on('error', (err) => errors.push(err));

    let resolved = 0;
    const sends: Array<Promise<void>> = [];
    for (let n = 0; n < COUNT; n++) sends.push(client.send(new Tick(n)).then(() => void (resolved += 1)));
    // 200,000 ticks are ~5 MiB of frames: almost all of them had to wait for acks.
    expect(resolved).toBe(0);
    await Promise.all(sends);
    expect(resolved).toBe(COUNT);

    await client.flush({ timeout: 40_000 });
    expect(inOrder(atServer, COUNT)).toBe('all in order');
    expect(client.stats).toMatchObject({ sent: COUNT, resent: 0, lost: 0 });
    expect(errors).toEqual([]);
    expect(client.connected).toBe(true);
  }, 60_000);

  it('paces a server that fires at a client without awaiting the same way', async () => {
    const COUNT = 50_000;
    const { server, port } = await h.listeningServer<Tick>({ maxBufferedBytes: 16 * 1024 });
    const [[peer], client] = await Promise.all([nextEvent(server, 'connection'), h.connectedClient<Tick>(port)]);
    const atClient: number[] = [];
    client.on('message', (tick) => atClient.push(tick.n));

    await Promise.all(Array.from({ length: COUNT }, (_, n) => (peer as Peer).send(new Tick(n))));
    await waitUntil(() => atClient.length >= COUNT, 20_000, () => `${COUNT} ticks at the client (got ${atClient.length})`);
    expect(inOrder(atClient, COUNT)).toBe('all in order');
    expect((peer as Peer).stats).toMatchObject({ sent: COUNT, lost: 0 });
  });

  it('keeps sends that wait across a cut link: after the reconnect they arrive once, in order, and resolve', async () => {
    const COUNT = 20_000;
    const { server, port } = await h.listeningServer<Tick>();
    const proxy = await proxyTo(port);
    const atServer: number[] = [];
    server.on('message', (tick) => atServer.push(tick.n));
    const client = await h.connectedClient<Tick>(proxy.port, { reconnect: FAST, maxBufferedBytes: 16 * 1024 });
    const reconnected = nextEvent(client, 'reconnect', 10_000);

    const cut = proxy.cutMidFrame();
    let resolved = 0;
    const sends = Array.from({ length: COUNT }, (_, n) => client.send(new Tick(n)).then(() => void (resolved += 1)));
    await cut;
    // Most sends were still waiting for acks when the link died.
    expect(resolved).toBeLessThan(COUNT / 2);
    const [info] = await reconnected;
    await Promise.all(sends);
    expect(resolved).toBe(COUNT);
    await client.flush({ timeout: 20_000 });

    expect(info.resumed).toBe(true);
    expect(proxy.cuts).toBe(1);
    expect(inOrder(atServer, COUNT)).toBe('all in order');
    expect(client.stats).toMatchObject({ sent: COUNT, lost: 0, duplicates: 0 });
  });

  it('fails the sends still waiting when the session ends, with BadConn, and reports them as loss', async () => {
    // A server that grants a session, reads everything and never acknowledges.
    const grant = { protocol: 'oon', version: 1, codecs: ['json'], codec: 'json', session: { id: 's-1', resumed: false, received: 0 } };
    const { port } = await h.rawServer((socket: Socket) => socket.write(encodeFrame(FrameKind.Hello, JSON.stringify(grant))));
    const client = await h.connectedClient<Tick>(port, { maxBufferedBytes: 4 * 1024, closeGrace: 200 });
    const lossReported = nextEvent(client, 'loss', 5_000);

    const outcomes = Promise.allSettled(Array.from({ length: 1_000 }, (_, n) => client.send(new Tick(n))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await client.close();

    const settled = await outcomes;
    const rejected = settled.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    const written = settled.length - rejected.length;
    // What fit in the 4 KiB window was written (and resolved); the rest waited and failed.
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(1_000);
    expect(settled.slice(0, written).every((o) => o.status === 'fulfilled')).toBe(true);
    await expectOonError(Promise.reject(rejected[0]?.reason), 'BadConn', /ended before this message was written: it waited for acks of earlier messages \(send window 4096\); 1000 messages were not acknowledged/);
    const [lost] = await lossReported;
    expect(lost).toBe(1_000);
    expect(client.stats).toMatchObject({ sent: 1_000, lost: 1_000 });
  });
});

describe('session resend after a reconnect', () => {
  it.each([
    ['the defaults (a 4 MiB window, maxPendingBytes 8 MiB)', {}, 4 * 1024 * 1024],
    ['maxBufferedBytes (8 MiB) above maxPendingBytes (1 MiB): a 512 KiB window', { maxBufferedBytes: 8 * 1024 * 1024, maxPendingBytes: 1024 * 1024 }, 512 * 1024],
  ])('resends its whole send window, held while disconnected, without evicting the server as a slow consumer: %s', async (_, limits, window) => {
    const { server, port } = await h.listeningServer<Chunk>();
    const proxy = await proxyTo(port);
    const atServer: number[] = [];
    server.on('message', (chunk) => atServer.push(chunk.n));
    const client = await h.connectedClient<Chunk>(proxy.port, { reconnect: FAST, ...limits });
    const troubles: string[] = [];
    client.on('error', (err) => troubles.push(err.message));
    client.on('disconnect', (reason) => troubles.push(reason));
    await takeDown(proxy, client);
    troubles.length = 0;

    const body = 'x'.repeat(16 * 1024);
    const COUNT = Math.floor(window / (16 * 1024 + 64)); // ~16 KiB frames: just under the window
    for (let n = 0; n < COUNT; n++) await client.send(new Chunk(n, body));
    // What is held while disconnected is the window: one more is refused, not held.
    await expectOonError(client.send(new Chunk(COUNT, body)), 'BadConn', new RegExp(`would pass the send window \\(${window}:`));
    const back = nextEvent(client, 'reconnect', 10_000);
    proxy.refuse = false;
    await back;

    await waitUntil(() => atServer.length >= COUNT || troubles.length > 0, 20_000, () => `${COUNT} chunks (got ${atServer.length})`);
    expect(troubles).toEqual([]);
    expect(atServer).toEqual(range(COUNT));
  });

  it('resends the whole send window a server held for an absent client without evicting the client, with maxPendingBytes at 1 MiB', async () => {
    const { server, port } = await h.listeningServer<Chunk>({ maxPendingBytes: 1024 * 1024 });
    const proxy = await proxyTo(port);
    const troubles: string[] = [];
    server.on('error', (err) => troubles.push(err.message));
    server.on('disconnect', (_, reason) => troubles.push(reason));
    const [[peer], client] = await Promise.all([nextEvent(server, 'connection'), h.connectedClient<Chunk>(proxy.port, { reconnect: FAST })]);
    const atClient: number[] = [];
    client.on('message', (chunk) => atClient.push(chunk.n));
    await takeDown(proxy, client);
    await waitUntil(() => !(peer as Peer).connected, 5_000, () => 'the server to see the link drop');

    const body = 'x'.repeat(16 * 1024);
    const COUNT = Math.floor((512 * 1024) / (16 * 1024 + 64)); // the window: half of maxPendingBytes
    for (let n = 0; n < COUNT; n++) await (peer as Peer).send(new Chunk(n, body));
    const resumed = nextEvent(server, 'reconnect', 10_000);
    proxy.refuse = false;
    await resumed;

    await waitUntil(() => atClient.length >= COUNT || troubles.length > 0, 20_000, () => `${COUNT} chunks at the client (got ${atClient.length})`);
    expect(troubles).toEqual([]);
    expect(atClient).toEqual(range(COUNT));
    expect((peer as Peer).stats).toMatchObject({ sent: COUNT, lost: 0 });
  });
});
